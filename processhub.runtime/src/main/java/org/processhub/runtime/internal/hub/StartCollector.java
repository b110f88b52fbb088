package org.processhub.runtime.internal.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.processhub.api.ChildError;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessRef;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.runtime.internal.wire.Message.ItemResult;

/**
 * Caller-side state of one start request: which node answers are still due per child, and what came
 * back. Confined to the hub's event loop. A forwarded child is answered by the node it was forwarded
 * to, so answers are counted per child, not matched per node.
 */
final class StartCollector {
    final long requestId;
    final StartOptions options;
    final CompletableFuture<StartResult> future;
    private final Map<String, ChildSpec> specs = new LinkedHashMap<>();
    private final Map<String, List<NodeId>> due = new HashMap<>();
    private final Map<String, List<ProcessRef>> started = new LinkedHashMap<>();
    private final List<ChildError> errors = new ArrayList<>();
    private int open;

    StartCollector(long requestId, StartOptions options, CompletableFuture<StartResult> future) {
        this.requestId = requestId;
        this.options = options;
        this.future = future;
    }

    void expect(ChildSpec spec, List<NodeId> nodes) {
        specs.put(spec.id(), spec);
        due.put(spec.id(), new ArrayList<>(nodes));
        open += nodes.size();
    }

    ChildSpec spec(String childId) {
        return specs.get(childId);
    }

    /** Records one node's answer for one child; false if that child expected no (more) answers. */
    boolean record(String hubId, NodeId node, ItemResult r) {
        List<NodeId> nodes = due.get(r.childId());
        if (nodes == null || nodes.isEmpty()) return false;
        if (!nodes.remove(node)) nodes.remove(0); // forwarded: answered by a node it was not sent to
        open--;
        if (r.isOk()) {
            started.computeIfAbsent(r.childId(), k -> new ArrayList<>()).add(new ProcessRef(hubId, node, r.childId(), r.incarnation()));
        } else {
            errors.add(new ChildError(r.childId(), node, r.error(), r.message()));
        }
        return true;
    }

    /** Fails every answer still due from {@code node} (it left the cluster). */
    void nodeDown(NodeId node) {
        for (Map.Entry<String, List<NodeId>> e : due.entrySet()) {
            while (e.getValue().remove(node)) {
                open--;
                errors.add(new ChildError(e.getKey(), node, ErrorCode.NODE_DOWN, "node " + node + " left before answering"));
            }
        }
    }

    /** Turns every answer still due into a timeout error. */
    void expire() {
        for (Map.Entry<String, List<NodeId>> e : due.entrySet()) {
            for (NodeId n : e.getValue()) {
                errors.add(new ChildError(e.getKey(), n, ErrorCode.TIMEOUT,
                        "no answer from " + n + " within " + options.timeout().toMillis() + " ms"));
            }
            e.getValue().clear();
        }
        open = 0;
    }

    boolean complete() {
        return open <= 0;
    }

    List<String> startedIds() {
        return List.copyOf(started.keySet());
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    StartResult result(boolean rolledBack) {
        List<StartResult.Started> list = new ArrayList<>();
        if (!rolledBack) {
            started.forEach((id, refs) -> {
                refs.sort((a, b) -> a.node().compareTo(b.node()));
                list.add(new StartResult.Started(id, refs));
            });
        }
        return new StartResult(list, errors, rolledBack);
    }
}
