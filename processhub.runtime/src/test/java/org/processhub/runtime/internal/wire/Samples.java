package org.processhub.runtime.internal.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.NodeId;
import org.processhub.api.Payloads;
import org.processhub.api.RestartPolicy;
import org.processhub.runtime.internal.wire.Message.Announce;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.Message.Insert;
import org.processhub.runtime.internal.wire.Message.ItemResult;
import org.processhub.runtime.internal.wire.Message.Leave;
import org.processhub.runtime.internal.wire.Message.RegistryDelta;
import org.processhub.runtime.internal.wire.Message.Remove;
import org.processhub.runtime.internal.wire.Message.Running;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartReply;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.Message.StopReply;
import org.processhub.runtime.internal.wire.Message.StopRequest;
import org.processhub.runtime.internal.wire.Message.SyncRow;
import org.processhub.runtime.internal.wire.Message.SyncSnapshot;
import org.processhub.runtime.internal.wire.Message.WhichReply;
import org.processhub.runtime.internal.wire.Message.WhichRequest;

/**
 * Realistic and edge-case messages of every type, shared by the codec tests. Maps with several entries have a
 * fixed iteration order ({@code Map.of} order changes from JVM to JVM), so the frames, and the fuzz test that
 * mutates them, are the same on every run.
 */
final class Samples {
    static final NodeId A = NodeId.of("10.0.0.1:47500");
    static final NodeId B = NodeId.of("10.0.0.2:47500");
    static final NodeId UNICODE_NODE = NodeId.of("nœud-☃-\uD83D\uDE80:47500");
    static final NodeId LONG_NODE = NodeId.of("n".repeat(255));
    /** 255 chars, 3 UTF-8 bytes each. */
    static final String MAX_HUB = "あ".repeat(WireCodec.MAX_HUB_ID);
    /** 512 chars: 255 ASCII, then surrogate pairs (a rocket emoji, 4 UTF-8 bytes each), then 1 ASCII. */
    static final String MAX_CHILD_ID = "c".repeat(255) + "\uD83D\uDE80".repeat(128) + "z";

    private Samples() {}

    /** Messages without byte[] anywhere: they round-trip equal by {@code equals}. */
    static List<Message> comparableByEquals() {
        List<Message> all = new ArrayList<>();
        all.add(new Announce("hub", A, true, 1_732_838_400_000L,
                orderedMap("distribution", "consistent-hashing", "redundancy", "singularity")));
        all.add(new Announce("", B, false, Long.MIN_VALUE, Map.of()));
        all.add(new Announce(MAX_HUB, LONG_NODE, true, -1, orderedMap("z", "", "a", "ünïcødé \uD83D\uDE00")));
        all.add(new Leave("hub", A));
        all.add(new Leave("hub-\uD83D\uDE00", UNICODE_NODE));

        all.add(new StartRequest("hub", 42, A, false, 0, 5_000, List.of(
                new StartItem(ChildSpec.of("counter-1", "counter", Map.of("start", 5L)), Map.of("team", "a"),
                        List.of(A, B), false, null),
                new StartItem(new ChildSpec("kv", "kv.store-v2", nestedArgs(), RestartPolicy.TRANSIENT),
                        orderedMap("k1", "v1", "k2", "v2"), List.of(B), true, nestedPayload()),
                new StartItem(new ChildSpec("temp", "worker_1", Map.of(), RestartPolicy.TEMPORARY), Map.of(),
                        List.of(), true, null))));
        all.add(new StartRequest("hub", Long.MAX_VALUE, B, true, Integer.MAX_VALUE, Long.MAX_VALUE, List.of()));
        all.add(new StartRequest("hub", Long.MIN_VALUE, B, true, Integer.MIN_VALUE, -1, List.of(
                new StartItem(ChildSpec.of(MAX_CHILD_ID, "f"), Map.of(), List.of(UNICODE_NODE, LONG_NODE), false,
                        "ignored state"))));
        List<StartItem> everyPolicy = new ArrayList<>();
        for (RestartPolicy p : RestartPolicy.values()) {
            everyPolicy.add(new StartItem(new ChildSpec("child-" + p, "f", Map.of("p", p.name()), p), Map.of(),
                    List.of(A), false, null));
        }
        all.add(new StartRequest("hub", 1, A, false, 3, 0, everyPolicy));

        all.add(new StartReply("hub", 42, A, everyErrorCode()));
        all.add(new StartReply("hub", 43, B, List.of()));
        all.add(new StartReply("hub", 44, B, List.of(ItemResult.ok("c1", 7), ItemResult.ok("", Long.MAX_VALUE))));

        all.add(new StopRequest("hub", 5, A, List.of("c1", "c-\uD83D\uDE80", MAX_CHILD_ID)));
        all.add(new StopRequest("hub", 6, A, List.of()));
        all.add(new StopReply("hub", 5, B, List.of(ItemResult.ok("c1", 3),
                ItemResult.failed("c2", ErrorCode.NOT_FOUND, "no such child"))));
        all.add(new StopReply("hub", 6, B, List.of()));

        all.add(new RegistryDelta("hub", A, List.of(A, B), List.of(
                new Insert(ChildSpec.of("c1", "counter", Map.of("n", 1)), Map.of("m", "x"), A, 1),
                new Insert(new ChildSpec(MAX_CHILD_ID, "kv", nestedArgs(), RestartPolicy.TEMPORARY), Map.of(),
                        UNICODE_NODE, Long.MAX_VALUE),
                new Insert(ChildSpec.of("c3", "f", Collections.singletonMap("maybe", null)), Map.of(), B, 2),
                new Remove("c0", B, 9),
                new Remove("", LONG_NODE, -1))));
        all.add(new RegistryDelta("hub", B, List.of(), List.of()));

        all.add(new SyncSnapshot("hub", A, 77, 1000, 0, false, List.of(
                new SyncRow(ChildSpec.of("c1", "counter"), Map.of(), 5),
                new SyncRow(new ChildSpec("c2", "kv", nestedArgs(), RestartPolicy.TRANSIENT),
                        orderedMap("owner", "alice", "zone", "eu-\uD83C\uDDEA\uD83C\uDDFA"), 999))));
        all.add(new SyncSnapshot("hub", B, -1, Long.MIN_VALUE, Integer.MAX_VALUE, true, List.of()));

        all.add(new Call("hub", 1, A, "c1", true, null));
        all.add(new Call("hub", 2, A, "c1", false, "inc"));
        all.add(new Call("hub", 3, B, MAX_CHILD_ID, true, nestedPayload()));
        all.add(new Call("hub", 4, B, "c1", true, List.of()));
        all.add(new Call("hub", 5, B, "c1", true, Double.NaN));

        all.add(new CallReply("hub", 1, null, null, 42L));
        all.add(new CallReply("hub", 2, null, "", nestedPayload()));
        for (ErrorCode code : ErrorCode.values()) {
            all.add(new CallReply("hub", 100 + code.ordinal(), code, "failed: " + code + " \uD83D\uDCA5", null));
        }
        all.add(new CallReply("hub", 200, ErrorCode.TIMEOUT, null, null));

        all.add(new WhichRequest("hub", 9, A));
        all.add(new WhichReply("hub", 9, B, List.of(new Running("c1", 1), new Running(MAX_CHILD_ID, -5))));
        all.add(new WhichReply("hub", 10, B, List.of()));
        all.add(new org.processhub.runtime.internal.wire.Message.SyncRound("hub", A, 12345L, List.of(A, B)));
        all.add(new org.processhub.runtime.internal.wire.Message.SyncRound("hub", B, -1L, List.of()));
        all.add(new Message.SyncDigest("hub", A, 100_000, 0x9E3779B97F4A7C15L));
        all.add(new Message.SyncDigest("hub", UNICODE_NODE, 0, Long.MIN_VALUE));
        all.add(new Message.SyncPull("hub", B));
        return all;
    }

    /** Messages carrying byte[] (in payloads, handover state and spec arguments). */
    static List<Message> withByteArrays() {
        byte[] bytes = {0, 1, 2, (byte) 0xFF, (byte) 0x80};
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("blob", bytes);
        args.put("empty", new byte[0]);
        args.put("list", List.of(new byte[] {7}, "x"));
        return List.of(
                new Call("hub", 1, A, "c1", true, bytes),
                new Call("hub", 2, A, "c1", true, Map.of("bin", new byte[1000])),
                new CallReply("hub", 3, null, null, List.of(bytes, new byte[0])),
                new StartRequest("hub", 4, A, true, 1, 100, List.of(
                        new StartItem(ChildSpec.of("c1", "f", args), Map.of(), List.of(A), true, bytes))),
                new SyncSnapshot("hub", A, 1, 1, 1, true, List.of(new SyncRow(ChildSpec.of("c1", "f", args),
                        Map.of(), 1))));
    }

    static List<Message> all() {
        List<Message> all = new ArrayList<>(comparableByEquals());
        all.addAll(withByteArrays());
        return all;
    }

    /** One result per ErrorCode, plus a success with a null message. */
    static List<ItemResult> everyErrorCode() {
        List<ItemResult> results = new ArrayList<>();
        results.add(ItemResult.ok("ok", 1));
        for (ErrorCode code : ErrorCode.values()) {
            results.add(ItemResult.failed("c-" + code.ordinal(), code, code.name().toLowerCase() + " ☃"));
        }
        results.add(new ItemResult("null-message", -1, ErrorCode.INIT_FAILED, null));
        return results;
    }

    /** Every payload type, nested. */
    static Map<String, Object> nestedPayload() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("null", null);
        inner.put("t", true);
        inner.put("f", false);
        inner.put("int", Integer.MIN_VALUE);
        inner.put("long", Long.MAX_VALUE);
        inner.put("double", -0.0);
        inner.put("inf", Double.POSITIVE_INFINITY);
        inner.put("str", "surrogates \uD83D\uDE80 and ünïcødé");
        inner.put("", "empty key");
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("inner", inner);
        outer.put("list", Arrays.asList(1, 2L, "three", null, List.of(List.of()), Map.of()));
        // outer is level 1, so these lists reach exactly the deepest nesting Payloads allows
        outer.put("deep", nest(Payloads.MAX_DEPTH - 1, "leaf"));
        return outer;
    }

    /** {@code levels} nested single-element lists around {@code leaf}. */
    static Object nest(int levels, Object leaf) {
        Object v = leaf;
        for (int i = 0; i < levels; i++) {
            List<Object> l = new ArrayList<>();
            l.add(v);
            v = l;
        }
        return v;
    }

    private static Map<String, Object> nestedArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("start", 5L);
        args.put("name", "kv-store");
        args.put("ratio", 0.25);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("ttl", 30);
        opts.put("tags", List.of("a", "b"));
        args.put("opts", opts);
        args.put("nothing", null);
        return args;
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
