package org.processhub.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.processhub.api.ChildSpec;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.ProcessFactory;

/** A key-value store: {@code put <k> <v>} → {@code ok}, {@code get <k>} → the value or {@code nil}, {@code size}. */
@Component(property = "processhub.factory=kv")
public final class KeyValue implements ProcessFactory {
    @Override
    public HubProcess create(ChildSpec spec) {
        return new Process();
    }

    static final class Process implements HubProcess, Handover {
        final Map<String, Object> data = new LinkedHashMap<>();

        @Override
        public Object handleCall(Object message) {
            String[] w = Messages.words(message);
            return switch (w[0]) {
                case "put" -> {
                    if (w.length < 3) yield "usage: put <key> <value>";
                    data.put(w[1], w[2]);
                    yield "ok";
                }
                case "get" -> {
                    if (w.length < 2) yield "usage: get <key>";
                    yield data.getOrDefault(w[1], "nil");
                }
                case "size" -> data.size();
                default -> "unknown message '" + w[0] + "' (put, get, size)";
            };
        }

        @Override
        public void handleCast(Object message) {
            handleCall(message);
        }

        @Override
        public Object exportState() {
            return new LinkedHashMap<>(data);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void importState(Object state) {
            data.putAll((Map<String, Object>) state);
        }
    }
}
