package org.processhub.runtime.internal.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.processhub.api.ChildError;
import org.processhub.api.ErrorCode;
import org.processhub.api.NodeId;
import org.processhub.api.StopOptions;
import org.processhub.api.StopResult;
import org.processhub.runtime.internal.wire.Message.ItemResult;

/**
 * Caller-side state of one stop request. A child counts as stopped if any node stopped it; "not found"
 * from one replica's node is then not an error (its registry row was stale).
 */
final class StopCollector {
    final long requestId;
    final StopOptions options;
    final CompletableFuture<StopResult> future;
    private final Map<String, List<NodeId>> due = new LinkedHashMap<>();
    private final Map<String, List<NodeId>> stopped = new LinkedHashMap<>();
    private final Map<String, List<ChildError>> failures = new HashMap<>();
    private final List<ChildError> unknown = new ArrayList<>();
    private int open;

    StopCollector(long requestId, StopOptions options, CompletableFuture<StopResult> future) {
        this.requestId = requestId;
        this.options = options;
        this.future = future;
    }

    void expect(String childId, List<NodeId> nodes) {
        due.put(childId, new ArrayList<>(nodes));
        open += nodes.size();
    }

    void notFound(String childId, NodeId self) {
        unknown.add(new ChildError(childId, self, ErrorCode.NOT_FOUND, "no child '" + childId + "' in the registry"));
    }

    void record(NodeId node, ItemResult r) {
        List<NodeId> nodes = due.get(r.childId());
        if (nodes == null || !nodes.remove(node)) return;
        open--;
        if (r.isOk()) {
            stopped.computeIfAbsent(r.childId(), k -> new ArrayList<>()).add(node);
        } else {
            failures.computeIfAbsent(r.childId(), k -> new ArrayList<>()).add(new ChildError(r.childId(), node, r.error(), r.message()));
        }
    }

    void nodeDown(NodeId node) {
        for (Map.Entry<String, List<NodeId>> e : due.entrySet()) {
            if (e.getValue().remove(node)) {
                open--;
                failures.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(
                        new ChildError(e.getKey(), node, ErrorCode.NODE_DOWN, "node " + node + " left before answering"));
            }
        }
    }

    void expire() {
        for (Map.Entry<String, List<NodeId>> e : due.entrySet()) {
            for (NodeId n : e.getValue()) {
                failures.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new ChildError(e.getKey(), n,
                        ErrorCode.TIMEOUT, "no answer from " + n + " within " + options.timeout().toMillis() + " ms"));
            }
            e.getValue().clear();
        }
        open = 0;
    }

    boolean complete() {
        return open <= 0;
    }

    StopResult result() {
        List<StopResult.Stopped> list = new ArrayList<>();
        stopped.forEach((id, nodes) -> list.add(new StopResult.Stopped(id, nodes.stream().sorted().toList())));
        List<ChildError> errors = new ArrayList<>(unknown);
        failures.forEach((id, errs) -> {
            for (ChildError e : errs) {
                if (!(stopped.containsKey(id) && e.code() == ErrorCode.NOT_FOUND)) errors.add(e);
            }
        });
        return new StopResult(list, errors);
    }
}
