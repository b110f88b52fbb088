package org.processhub.examples;

import org.osgi.service.component.annotations.Component;
import org.processhub.api.ChildSpec;
import org.processhub.api.Handover;
import org.processhub.api.HubProcess;
import org.processhub.api.ProcessContext;
import org.processhub.api.ProcessFactory;

/**
 * A counter: {@code incr} → the new value, {@code get} → the value, {@code add <n>} → the new value.
 * Argument {@code start} sets the initial value. Its count survives a hot-swap migration ({@link Handover}).
 */
@Component(property = "processhub.factory=counter")
public final class Counter implements ProcessFactory {
    @Override
    public HubProcess create(ChildSpec spec) {
        return new Process();
    }

    static final class Process implements HubProcess, Handover {
        long value;

        @Override
        public void init(ProcessContext context) {
            Object start = context.args().get("start");
            value = start == null ? 0 : Long.parseLong(String.valueOf(start));
        }

        @Override
        public Object handleCall(Object message) {
            String[] w = Messages.words(message);
            return switch (w[0]) {
                case "incr" -> ++value;
                case "get" -> value;
                case "add" -> value += Long.parseLong(w[1]);
                default -> "unknown message '" + w[0] + "' (incr, get, add <n>)";
            };
        }

        @Override
        public void handleCast(Object message) {
            handleCall(message);
        }

        @Override
        public Object exportState() {
            return value;
        }

        @Override
        public void importState(Object state) {
            value = ((Number) state).longValue();
        }
    }
}
