package org.processhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildSpecTest {
    @Test
    void validSpecKeepsItsFieldsAndDefaultsToPermanent() {
        ChildSpec s = new ChildSpec("c1", "counter", Map.of("start", 5L), null);
        assertThat(s.id()).isEqualTo("c1");
        assertThat(s.factory()).isEqualTo("counter");
        assertThat(s.args()).containsEntry("start", 5L);
        assertThat(s.restart()).isEqualTo(RestartPolicy.PERMANENT);
    }

    @Test
    void argsAreCopiedAndImmutable() {
        Map<String, Object> args = new HashMap<>(Map.of("a", "x"));
        ChildSpec s = ChildSpec.of("c1", "kv", args);
        args.put("b", "y");
        assertThat(s.args()).containsOnlyKeys("a");
        assertThatThrownBy(() -> s.args().put("c", "z")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyOrBlankIdsAreRejected() {
        assertThatThrownBy(() -> ChildSpec.of("", "kv")).isInstanceOf(InvalidSpecException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ChildSpec.of(null, "kv")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ChildSpec.of("a b", "kv")).isInstanceOf(InvalidSpecException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> ChildSpec.of("a\u0000", "kv")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ChildSpec.of("x".repeat(ChildSpec.MAX_ID_LENGTH + 1), "kv"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("longer");
    }

    @Test
    void badFactoryNamesAreRejectedNamingTheChild() {
        assertThatThrownBy(() -> ChildSpec.of("c1", "")).isInstanceOf(InvalidSpecException.class).hasMessageContaining("c1");
        assertThatThrownBy(() -> ChildSpec.of("c1", "no spaces")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ChildSpec.of("c1", null)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void factoryNamesAreAcceptedExactlyWhenTheyMatchTheDocumentedPattern() {
        java.util.regex.Pattern documented = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        List<String> names = new java.util.ArrayList<>(List.of("a", "Z9", "counter", "a.b-c_d", "9", ".a", "-a", "_a",
                "a b", "a/b", "ä", "a:b", "x".repeat(128), "x".repeat(129), "a\n", "a..", "a-"));
        java.util.Random r = new java.util.Random(7);
        String alphabet = "aZ09._- /:éÿ\u0000";
        for (int i = 0; i < 5000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(6); k >= 0; k--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            names.add(b.toString());
        }
        for (String n : names) {
            boolean ok = documented.matcher(n).matches();
            if (ok) assertThat(ChildSpec.of("c", n).factory()).isEqualTo(n);
            else assertThatThrownBy(() -> ChildSpec.of("c", n)).as("factory '%s'", n).isInstanceOf(InvalidSpecException.class);
        }
    }

    @Test
    void emptyArgsAreOneSharedImmutableMap() {
        assertThat(ChildSpec.of("a", "kv").args()).isSameAs(ChildSpec.of("b", "kv", new HashMap<>()).args()).hasSize(0);
        assertThat(ChildSpec.of("a", "kv", null).args()).isEmpty();
        assertThatThrownBy(() -> ChildSpec.of("a", "kv").args().put("k", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void argumentsMustBeAllowedPayloads() {
        assertThatThrownBy(() -> ChildSpec.of("c1", "kv", Map.of("t", new Object())))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("argument 't'").hasMessageContaining("java.lang.Object");
        ChildSpec ok = ChildSpec.of("c1", "kv", Map.of("l", List.of(1, 2L, "x", Map.of("k", true)), "b", new byte[] {1}));
        assertThat(ok.args()).containsKeys("l", "b");
    }

    @Test
    void payloadDepthIsBounded() {
        Object v = "leaf";
        for (int i = 0; i < Payloads.MAX_DEPTH + 1; i++) {
            v = List.of(v);
        }
        assertThat(Payloads.isAllowed(v)).isFalse();
        Object finalV = v;
        assertThatThrownBy(() -> Payloads.check(finalV, "msg")).isInstanceOf(InvalidPayloadException.class).hasMessageContaining("msg");
        assertThat(Payloads.isAllowed(Map.of(1, "x"))).isFalse();
    }

    @Test
    void errorCodesMapToTypedExceptions() {
        for (ErrorCode c : ErrorCode.values()) {
            ProcessHubException e = ProcessHubException.of(c, "m");
            assertThat(e.code()).isEqualTo(c);
        }
        assertThat(ProcessHubException.of(ErrorCode.UNKNOWN_FACTORY, "x")).isInstanceOf(UnknownFactoryException.class);
        assertThat(ProcessHubException.of(ErrorCode.PARTITIONED, "x")).isInstanceOf(PartitionedException.class);
        assertThat(new StartResult(List.of(), List.of(new ChildError("c", NodeId.of("n"), ErrorCode.TIMEOUT, "t")), false).isOk()).isFalse();
    }
}
