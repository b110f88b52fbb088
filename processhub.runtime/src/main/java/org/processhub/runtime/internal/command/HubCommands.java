package org.processhub.runtime.internal.command;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.processhub.api.ChildInfo;
import org.processhub.api.ChildSpec;
import org.processhub.api.NodeId;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessHubConstants;
import org.processhub.api.ProcessRef;
import org.processhub.api.Scope;
import org.processhub.api.StartOptions;
import org.processhub.api.StartResult;
import org.processhub.api.StopResult;
import org.processhub.api.strategy.StrategyType;
import org.processhub.runtime.internal.hub.HubCore;
import org.processhub.runtime.internal.osgi.HubComponent;

/**
 * Gogo commands, scope {@code hub}. Each returns its output as text (one item per line, stable enough to
 * script); a user mistake gives one {@code error: ...} line, never a stack trace.
 */
@Component(service = HubCommands.class, property = {"osgi.command.scope=hub",
        "osgi.command.function=hubs", "osgi.command.function=nodes", "osgi.command.function=start",
        "osgi.command.function=startmany", "osgi.command.function=stop", "osgi.command.function=lookup",
        "osgi.command.function=ps", "osgi.command.function=call", "osgi.command.function=cast",
        "osgi.command.function=status", "osgi.command.function=ring"})
public final class HubCommands {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Map<String, ProcessHub> hubs = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHub(ProcessHub hub, Map<String, Object> props) {
        hubs.put(String.valueOf(props.get(ProcessHubConstants.HUB_ID)), hub);
    }

    void removeHub(ProcessHub hub, Map<String, Object> props) {
        hubs.remove(String.valueOf(props.get(ProcessHubConstants.HUB_ID)), hub);
    }

    @Descriptor("list the hubs on this node: <hubId> alive=<bool> nodes=<n> local=<n>")
    public String hubs() {
        Map<String, String> lines = new TreeMap<>();
        hubs.values().forEach(h -> lines.put(h.hubId(),
                h.hubId() + " alive=" + h.isAlive() + " nodes=" + h.nodes(true).size() + " local=" + localCount(h)));
        notRunning().forEach((id, why) -> lines.putIfAbsent(id, id + " alive=false nodes=0 local=0 (" + why + ")"));
        return String.join("\n", lines.values());
    }

    /**
     * Hubs that are configured but not running, with the reason, from SCR: a hub whose strategy service is
     * missing (e.g. its bundle was stopped) is an unsatisfied component, not a half-working hub.
     */
    Map<String, String> notRunning() {
        Map<String, String> result = new TreeMap<>();
        ServiceComponentRuntime runtime = scr;
        if (runtime == null) return result;
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            if (!d.name.equals(HubComponent.class.getName())) continue;
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                Object id = c.properties.get(ProcessHubConstants.HUB_ID);
                if (id == null || hubs.containsKey(String.valueOf(id))) continue;
                String why;
                if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && c.unsatisfiedReferences.length > 0) {
                    why = java.util.Arrays.stream(c.unsatisfiedReferences).map(HubCommands::missing).collect(Collectors.joining("; "));
                } else if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    why = "failed to start: " + c.failure;
                } else {
                    why = "starting";
                }
                result.put(String.valueOf(id), why);
            }
        }
        return result;
    }

    private static String missing(UnsatisfiedReferenceDTO r) {
        return isStrategy(r.name)
                ? "no " + r.name + " strategy matches " + r.target
                : "waiting for " + r.name + (r.target == null ? "" : " " + r.target);
    }

    private static boolean isStrategy(String referenceName) {
        for (StrategyType t : StrategyType.values()) if (t.property().equals(referenceName)) return true;
        return false;
    }

    @Descriptor("list the nodes of a hub, one per line")
    public String nodes(@Descriptor("hub id") String hub) {
        return withHub(hub, h -> h.nodes(true).stream().map(NodeId::name).collect(Collectors.joining("\n")));
    }

    @Descriptor("start a child: started <childId> on <node>")
    public String start(@Descriptor("hub id") String hub, @Descriptor("child id") String childId,
            @Descriptor("factory name") String factory, @Descriptor("arguments key=value") String... args) {
        return withHub(hub, h -> {
            Map<String, Object> map = new LinkedHashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq <= 0) return "error: argument '" + a + "' is not key=value";
                map.put(a.substring(0, eq), a.substring(eq + 1));
            }
            StartResult r = await(h.startChild(ChildSpec.of(childId, factory, map)));
            StartResult.Started s = r.started().get(0);
            return "started " + s.childId() + " on " + nodesOf(s.refs());
        });
    }

    @Descriptor("start <count> children <prefix>0..<prefix>N-1 in batches, with progress")
    public String startmany(CommandSession session, @Descriptor("hub id") String hub, @Descriptor("id prefix") String prefix,
            @Descriptor("how many") int count, @Descriptor("factory name") String factory) {
        return withHub(hub, h -> {
            if (count < 1) return "error: count must be at least 1";
            PrintStream out = session == null ? null : session.getConsole();
            int batch = Math.max(1, Math.min(10_000, count / 10 + 1));
            long t0 = System.nanoTime();
            int started = 0;
            List<String> errors = new ArrayList<>();
            for (int from = 0; from < count; from += batch) {
                List<ChildSpec> specs = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + batch); i++) specs.add(ChildSpec.of(prefix + i, factory));
                StartResult r = await(h.startChildren(specs, StartOptions.DEFAULTS.withTimeout(TIMEOUT)));
                started += r.started().size();
                r.errors().stream().limit(3 - Math.min(3, errors.size())).forEach(e -> errors.add(e.toString()));
                if (out != null) out.println("progress " + started + "/" + count);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            StringBuilder b = new StringBuilder();
            errors.forEach(e -> b.append("error: ").append(e).append('\n'));
            return b.append("started ").append(started).append(" of ").append(count).append(" in ").append(ms).append(" ms").toString();
        });
    }

    @Descriptor("stop a child: stopped <childId>")
    public String stop(@Descriptor("hub id") String hub, @Descriptor("child id") String childId) {
        return withHub(hub, h -> {
            StopResult r = await(h.stopChild(childId)).orThrow();
            return "stopped " + r.stopped().get(0).childId();
        });
    }

    @Descriptor("where a child runs (local registry): <childId> <node>[,<node>...] (active replica marked *)")
    public String lookup(@Descriptor("hub id") String hub, @Descriptor("child id") String childId) {
        return withHub(hub, h -> h.childLookup(childId).map(HubCommands::row).orElse("not found"));
    }

    @Descriptor("list children: from the local registry, or with --global what every node really runs")
    public String ps(@Descriptor("ask every node") @Parameter(names = {"--global", "-g"}, presentValue = "true",
            absentValue = "false") boolean global, @Descriptor("hub id") String hub) {
        return withHub(hub, h -> {
            if (!global) {
                return new TreeMap<>(h.registry()).values().stream().map(HubCommands::row).collect(Collectors.joining("\n"));
            }
            Map<NodeId, List<ProcessRef>> running = await(h.whichChildren(Scope.GLOBAL));
            Map<String, List<String>> byChild = new TreeMap<>();
            running.forEach((node, refs) -> refs.forEach(r -> byChild.computeIfAbsent(r.childId(), k -> new ArrayList<>()).add(node.name())));
            return byChild.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream().sorted().collect(Collectors.joining(",")))
                    .collect(Collectors.joining("\n"));
        });
    }

    @Descriptor("send a message to a child and print its reply")
    public String call(@Descriptor("hub id") String hub, @Descriptor("child id") String childId,
            @Descriptor("message words") String... message) {
        return withHub(hub, h -> String.valueOf(await(h.call(childId, String.join(" ", message), TIMEOUT))));
    }

    @Descriptor("send a one-way message to a child")
    public String cast(@Descriptor("hub id") String hub, @Descriptor("child id") String childId,
            @Descriptor("message words") String... message) {
        return withHub(hub, h -> {
            h.cast(childId, String.join(" ", message));
            return "sent";
        });
    }

    @Descriptor("the hub's state as key: value lines")
    public String status(@Descriptor("hub id") String hub) {
        return withHub(hub, h -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("hub", h.hubId());
            s.put("node", h.localNode());
            s.put("alive", h.isAlive());
            s.put("locked", h.isLocked());
            s.put("partitioned", h.isPartitioned());
            s.put("nodes", h.nodes(true).size());
            s.put("members", h.nodes(true).stream().map(NodeId::name).collect(Collectors.joining(",")));
            s.put("children.local", localCount(h));
            s.put("children.registry", h instanceof HubCore c ? c.registrySize() : h.registry().size());
            Map<NodeId, Integer> perNode = new TreeMap<>();
            for (ChildInfo row : h.registry().values()) row.nodes().forEach(n -> perNode.merge(n, 1, Integer::sum));
            s.put("children.per.node", perNode.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            if (h instanceof HubCore c) {
                for (StrategyType t : StrategyType.values()) {
                    s.put("strategy." + t.property(), c.strategies().digest().get(t.property()));
                }
                s.put("options", c.settings().describe());
                s.put("strategy.mismatch", c.mismatchedMembers().isEmpty() ? "none"
                        : c.mismatchedMembers().stream().map(NodeId::name).sorted().collect(Collectors.joining(",")));
            }
            return s.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
        });
    }

    @Descriptor("how the ring spreads <samples> ids (default 100000) over the hub's nodes: <node> <share>")
    public String ring(@Descriptor("hub id") String hub, @Descriptor("sample ids") int... samples) {
        return withHub(hub, h -> {
            int n = samples.length > 0 && samples[0] > 0 ? samples[0] : 100_000;
            Map<NodeId, Integer> counts = new TreeMap<>();
            for (int i = 0; i < n; i++) counts.merge(h.owners("sample-" + i).get(0), 1, Integer::sum);
            double mean = (double) n / counts.size();
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            StringBuilder b = new StringBuilder();
            counts.forEach((node, c) -> b.append(node).append(' ').append(String.format("%.4f", (double) c / n)).append('\n'));
            return b.append(String.format("max/mean %.4f", max / mean)).toString();
        });
    }

    // ---- helpers

    @FunctionalInterface
    private interface HubAction {
        String apply(ProcessHub hub) throws Exception;
    }

    private String withHub(String hubId, HubAction action) {
        ProcessHub h = hubs.get(hubId);
        if (h == null) {
            String why = notRunning().get(hubId);
            if (why != null) return "error: hub '" + hubId + "' is not running: " + why;
            return "error: no hub '" + hubId + "' on this node" + (hubs.isEmpty() ? "" : " (hubs: " + String.join(", ", new TreeMap<>(hubs).keySet()) + ")");
        }
        try {
            return action.apply(h);
        } catch (Exception e) {
            Throwable t = e;
            while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
            return "error: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + TIMEOUT.toSeconds() + " s");
        }
    }

    private static int localCount(ProcessHub h) {
        return h instanceof HubCore c ? c.supervisor().size()
                : h.whichChildren(Scope.LOCAL).toCompletableFuture().join().values().stream().mapToInt(List::size).sum();
    }

    static String row(ChildInfo info) {
        String nodes = info.refs().stream()
                .map(r -> r.node().name() + (info.active().isPresent() && info.active().get().equals(r.node()) ? "*" : ""))
                .collect(Collectors.joining(","));
        return info.childId() + " " + nodes;
    }

    private static String nodesOf(List<ProcessRef> refs) {
        return refs.stream().map(r -> r.node().name()).collect(Collectors.joining(","));
    }
}
