package org.processhub.runtime.internal.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.processhub.api.Payloads;
import org.processhub.runtime.internal.wire.Message;
import org.processhub.runtime.internal.wire.PayloadCodec;
import org.processhub.runtime.internal.wire.WireCodec;
import org.processhub.runtime.internal.wire.WireFormatException;

/**
 * The seed corpora of the wire fuzz tests, kept in {@code src/test/resources/.../fuzz/<Test>Inputs/decode/}:
 * {@code sample-*} files are valid frames/payloads (every message of the codec tests' {@code Samples}), and
 * {@code malformed-*} files are rejected ones. This test checks they still are (a format change turns the
 * samples into rejected inputs, which would quietly make them poor seeds); regenerate them with
 * {@code mvn -o test -pl processhub.runtime -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}.
 * Crash inputs Jazzer finds ({@code crash-*}, ...) are kept next to them and are not checked here.
 */
class SeedCorpusTest {
    static final String WIRE_DIR = "WireDecoderFuzzTestInputs/decode";
    static final String PAYLOAD_DIR = "PayloadCodecFuzzTestInputs/decode";

    @Test
    void wireSeedsStillDecodeOrAreStillRejected() throws Exception {
        Map<String, byte[]> seeds = read(WIRE_DIR);
        assertThat(seeds.keySet()).anyMatch(n -> n.startsWith("sample-")).anyMatch(n -> n.startsWith("malformed-"));
        seeds.forEach((name, bytes) -> {
            if (name.startsWith("sample-")) {
                Message m = WireCodec.decode(bytes);
                assertThat(name).as("file name names the type").endsWith("-" + m.getClass().getSimpleName());
            } else if (name.startsWith("malformed-")) {
                assertThatThrownBy(() -> WireCodec.decode(bytes)).as(name).isInstanceOf(WireFormatException.class);
            }
        });
    }

    @Test
    void payloadSeedsStillDecodeOrAreStillRejected() throws Exception {
        Map<String, byte[]> seeds = read(PAYLOAD_DIR);
        assertThat(seeds.keySet()).anyMatch(n -> n.startsWith("sample-")).anyMatch(n -> n.startsWith("malformed-"));
        seeds.forEach((name, bytes) -> {
            if (name.startsWith("sample-")) {
                assertThat(Payloads.isAllowed(PayloadCodec.decode(bytes))).as(name).isTrue();
            } else if (name.startsWith("malformed-")) {
                assertThatThrownBy(() -> PayloadCodec.decode(bytes)).as(name).isInstanceOf(WireFormatException.class);
            }
        });
    }

    /** Rewrites the sample-* and malformed-* seeds in the source tree (run from the module directory). */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() throws Exception {
        Path base = Path.of("src/test/resources", SeedCorpusTest.class.getPackageName().replace('.', '/'));
        write(base.resolve(WIRE_DIR), wireSeeds());
        write(base.resolve(PAYLOAD_DIR), payloadSeeds());
    }

    static Map<String, byte[]> wireSeeds() throws ReflectiveOperationException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<Message> samples = samples("all");
        for (int i = 0; i < samples.size(); i++) {
            Message m = samples.get(i);
            seeds.put(String.format("sample-%02d-%s", i, m.getClass().getSimpleName()), WireCodec.encode(m));
        }
        byte[] call = WireCodec.encode(samples.stream().filter(m -> m instanceof Message.Call).findFirst().get());
        seeds.put("malformed-empty", new byte[0]);
        seeds.put("malformed-bad-magic", bytes("5049010103687562"));
        seeds.put("malformed-version-2", bytes("5048020103687562"));
        seeds.put("malformed-type-0", bytes("5048010003687562"));
        seeds.put("malformed-type-14", bytes("5048010e03687562"));
        seeds.put("malformed-truncated-call", Arrays.copyOf(call, call.length - 1));
        seeds.put("malformed-trailing-byte", Arrays.copyOf(call, call.length + 1));
        // Leave "hub" from node name "n": then a 5-byte varint node name length with overflowing bits
        seeds.put("malformed-leave-varint-overflow", bytes("50480102036875628080808010"));
        // StopRequest "hub", request 0, origin "n", childIds count 2^31-1 (cannot fit)
        seeds.put("malformed-stop-huge-count", bytes("504801050368756200016effffffff07"));
        // Leave "hub" from a node whose name is an encoded surrogate (ED A0 80)
        seeds.put("malformed-leave-surrogate-name", bytes("5048010203687562" + "03eda080"));
        // Leave "hub" from a blank node name
        seeds.put("malformed-leave-blank-node", bytes("5048010203687562" + "0120"));
        // Call with a payload nested one level deeper than Payloads.MAX_DEPTH
        seeds.put("malformed-call-too-deep", concat(bytes("504801090368756200016e016300"),
                nestedLists(Payloads.MAX_DEPTH + 1)));
        return seeds;
    }

    static Map<String, byte[]> payloadSeeds() throws ReflectiveOperationException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<Object> values = new ArrayList<>(Arrays.asList(null, true, false, 0, -1, Integer.MIN_VALUE, 0L,
                Long.MAX_VALUE, Long.MIN_VALUE, 0.25, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L),
                Double.NEGATIVE_INFINITY, "", "ascii", "ünïcødé ☃ \uD83D\uDE80", new byte[0],
                new byte[] {0, 1, (byte) 0x80, (byte) 0xFF}, List.of(), Map.of(), new ArrayList<>(Arrays.asList(1, null, "x")),
                invoke("nest", Payloads.MAX_DEPTH - 1, "leaf"), invoke("nestedPayload")));
        for (Message m : samples("all")) {
            if (m instanceof Message.Call c && c.payload() != null && !values.contains(c.payload())) {
                values.add(c.payload());
            }
        }
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            String type = v == null ? "null" : v instanceof byte[] ? "bytes" : v instanceof List ? "List"
                    : v instanceof Map ? "Map" : v.getClass().getSimpleName();
            seeds.put(String.format("sample-%02d-%s", i, type), PayloadCodec.encode(v));
        }
        seeds.put("malformed-empty", new byte[0]);
        seeds.put("malformed-unknown-tag", bytes("0a"));
        seeds.put("malformed-bad-boolean-trailing", bytes("0102"));
        seeds.put("malformed-truncated-double", bytes("05000000"));
        seeds.put("malformed-string-overlong-utf8", bytes("0602c0af"));
        seeds.put("malformed-string-length-past-end", bytes("0605616263"));
        seeds.put("malformed-list-count-past-end", bytes("08030000"));
        seeds.put("malformed-map-duplicate-key", bytes("09020161000161" + "00"));
        seeds.put("malformed-map-non-string-key", bytes("0901" + "ff" + "00"));
        seeds.put("malformed-too-deep", nestedLists(Payloads.MAX_DEPTH + 1));
        seeds.put("malformed-int-varint-6-bytes", bytes("038080808080" + "00"));
        return seeds;
    }

    /** {@code depth} nested one-element lists around null: depth lists on the wire. */
    private static byte[] nestedLists(int depth) {
        byte[] b = new byte[depth * 2 + 1];
        for (int i = 0; i < depth; i++) {
            b[2 * i] = 8; // T_LIST
            b[2 * i + 1] = 1; // one element
        }
        b[b.length - 1] = 0; // T_NULL
        return b;
    }

    @SuppressWarnings("unchecked")
    private static List<Message> samples(String method) throws ReflectiveOperationException {
        return (List<Message>) invoke(method);
    }

    /** Samples is package-private in the wire test package: reach it reflectively. */
    private static Object invoke(String method, Object... args) throws ReflectiveOperationException {
        Class<?> samples = Class.forName("org.processhub.runtime.internal.wire.Samples");
        for (Method m : samples.getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                return m.invoke(null, args);
            }
        }
        throw new NoSuchMethodException(method);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("sample-") || n.startsWith("malformed-")) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    private static Map<String, byte[]> read(String dir) throws IOException, URISyntaxException {
        URL url = SeedCorpusTest.class.getResource(dir);
        assertThat(url).as("seed directory %s on the test class path", dir).isNotNull();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path p : files.sorted().toList()) {
                seeds.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return seeds;
    }
}
