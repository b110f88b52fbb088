package org.processhub.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.processhub.api.ChildSpec;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.Mode;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessHub;
import org.processhub.api.ProcessRef;

class ExamplesTest {
    static ProcessContext context(ChildSpec spec) {
        return new ProcessContext() {
            public ProcessRef self() { return null; }
            public ChildSpec spec() { return spec; }
            public Map<String, String> metadata() { return Map.of(); }
            public ProcessHub hub() { return null; }
            public Mode mode() { return Mode.ACTIVE; }
            public void stop() {}
        };
    }

    @Test
    void counterCountsFromItsStartArgumentAndHandsItsValueOver() throws Exception {
        ChildSpec spec = ChildSpec.of("c", "counter", Map.of("start", "5"));
        HubProcess p = new Counter().create(spec);
        p.init(context(spec));
        assertThat(p.handleCall("incr")).isEqualTo(6L);
        assertThat(p.handleCall("add 4")).isEqualTo(10L);
        assertThat(p.handleCall("get")).isEqualTo(10L);
        assertThat(p.handleCall("bogus")).asString().contains("unknown message");
        HubProcess q = new Counter().create(spec);
        q.init(context(ChildSpec.of("c", "counter")));
        ((Handover) q).importState(((Handover) p).exportState());
        assertThat(q.handleCall("incr")).isEqualTo(11L);
    }

    @Test
    void keyValueStoresAndHandsOver() throws Exception {
        HubProcess p = new KeyValue().create(ChildSpec.of("k", "kv"));
        assertThat(p.handleCall("put a hello world")).isEqualTo("ok");
        assertThat(p.handleCall("get a")).isEqualTo("hello world");
        assertThat(p.handleCall("get b")).isEqualTo("nil");
        assertThat(p.handleCall("put x")).asString().startsWith("usage");
        HubProcess q = new KeyValue().create(ChildSpec.of("k", "kv"));
        ((Handover) q).importState(((Handover) p).exportState());
        assertThat(q.handleCall("size")).isEqualTo(1);
    }

    @Test
    void crasherPongsAndCrashesOnRequest() throws Exception {
        HubProcess p = new Crasher().create(ChildSpec.of("x", "crasher"));
        assertThat(p.handleCall("ping")).isEqualTo("pong");
        assertThatThrownBy(() -> p.handleCall("crash")).isInstanceOf(IllegalStateException.class);
        assertThat(p.handleCall("count")).isEqualTo(3);
    }
}
