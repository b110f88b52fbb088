package org.processhub.strategy.quorum;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.MembershipView;
import org.processhub.api.strategy.MembershipView.Departure;

/** Membership views for the quorum tests: members are n01, n02, ...; departed nodes are d01, d02, ... */
final class Views {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private Views() {}

    static List<NodeId> nodes(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> NodeId.of(String.format("%s%02d", prefix, i))).toList();
    }

    static MembershipView members(int size) {
        return members(size, size);
    }

    static MembershipView members(int size, int maxSeen) {
        return new MembershipView(NodeId.of("n01"), nodes("n", size), List.of(), maxSeen, NOW, false);
    }

    static MembershipView startup(int size) {
        return new MembershipView(NodeId.of("n01"), nodes("n", size), List.of(), size, NOW, true);
    }

    /** {@code connected} members and {@code down} nodes that left {@code secondsAgo} before now. */
    static MembershipView split(int connected, int down, long secondsAgo) {
        List<Departure> departures = new ArrayList<>();
        for (NodeId d : nodes("d", down)) departures.add(new Departure(d, NOW.minusSeconds(secondsAgo)));
        return withDepartures(connected, departures);
    }

    static MembershipView withDepartures(int connected, List<Departure> departures) {
        return new MembershipView(NodeId.of("n01"), nodes("n", connected), departures,
                connected + departures.size(), NOW, false);
    }
}
