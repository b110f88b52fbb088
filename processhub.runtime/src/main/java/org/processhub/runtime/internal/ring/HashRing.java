package org.processhub.runtime.internal.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.processhub.api.NodeId;
import org.processhub.api.strategy.DistributionStrategy.Placement;

/**
 * Immutable consistent-hash ring with virtual nodes. A child id hashes to a position; its owners are
 * the first distinct nodes met clockwise from there. Built once per membership change; lookups are a
 * binary search over a sorted {@code long[]} and allocate only the result list.
 *
 * <p>Deterministic: the same members and vnode count give the same ring on every node, whatever the
 * order the members are given in.
 */
public final class HashRing implements Placement {
    /**
     * Virtual nodes per member unless configured: with 100k children, max/mean ≤ 1.05 at 2–10 nodes for any
     * node names (1024 gave up to 1.10 at 10 nodes, depending on the names; see HashRingTest).
     */
    public static final int DEFAULT_VIRTUAL_NODES = 8192;

    private final List<NodeId> members;
    private final int virtualNodes;
    private final long[] positions;
    private final short[] owners; // index into members, parallel to positions

    /**
     * @param members at least one node; duplicates are ignored
     * @param virtualNodes positions per node, 1..65536
     */
    public HashRing(List<NodeId> members, int virtualNodes) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one node");
        }
        if (virtualNodes < 1 || virtualNodes > 65536) {
            throw new IllegalArgumentException("virtualNodes must be 1..65536: " + virtualNodes);
        }
        List<NodeId> sorted = members.stream().distinct().sorted().toList();
        if (sorted.size() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("too many nodes: " + sorted.size());
        }
        this.members = sorted;
        this.virtualNodes = virtualNodes;
        int total = sorted.size() * virtualNodes;
        // one primitive sort: the position's top 48 bits (sign-flipped so signed order is unsigned order) with
        // the member index in the low 16 bits, which also breaks ties by node order. A boxed index sort took
        // 100 ms at 10 nodes x 16k vnodes; this takes a few.
        long[] keys = new long[total];
        int k = 0;
        for (int m = 0; m < sorted.size(); m++) {
            long nodeHash = Hashing.hash64(sorted.get(m).name());
            for (int v = 0; v < virtualNodes; v++) {
                keys[k++] = ((Hashing.vnode(nodeHash, v) ^ Long.MIN_VALUE) & ~0xFFFFL) | m;
            }
        }
        Arrays.sort(keys);
        this.positions = new long[total];
        this.owners = new short[total];
        for (int i = 0; i < total; i++) {
            positions[i] = (keys[i] & ~0xFFFFL) ^ Long.MIN_VALUE;
            owners[i] = (short) (keys[i] & 0xFFFF);
        }
    }

    public List<NodeId> members() {
        return members;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    /** The primary owner of {@code childId}. */
    public NodeId owner(String childId) {
        return members.get(owners[slot(Hashing.hash64(childId))]);
    }

    @Override
    public List<NodeId> owners(String childId, int count) {
        int n = Math.min(Math.max(count, 0), members.size());
        if (n == 1) {
            return List.of(owner(childId));
        }
        List<NodeId> result = new ArrayList<>(n);
        if (n == 0) {
            return result;
        }
        boolean[] seen = new boolean[members.size()];
        int i = slot(Hashing.hash64(childId));
        while (result.size() < n) {
            int m = owners[i];
            if (!seen[m]) {
                seen[m] = true;
                result.add(members.get(m));
            }
            i = (i + 1) % positions.length;
        }
        return result;
    }

    /** Index of the first position at or after {@code hash}, wrapping to 0 past the end. */
    private int slot(long hash) {
        int lo = 0;
        int hi = positions.length - 1;
        if (Long.compareUnsigned(hash, positions[hi]) > 0) {
            return 0;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(positions[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
