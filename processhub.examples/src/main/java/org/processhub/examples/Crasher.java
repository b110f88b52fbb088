package org.processhub.examples;

import org.osgi.service.component.annotations.Component;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubProcess;
import org.processhub.api.ProcessFactory;

/** Shows restarts: {@code ping} → {@code pong}, {@code crash} throws (the supervisor restarts it), {@code count} → messages since (re)start. */
@Component(property = "processhub.factory=crasher")
public final class Crasher implements ProcessFactory {
    @Override
    public HubProcess create(ChildSpec spec) {
        return new Process();
    }

    static final class Process implements HubProcess {
        int handled;

        @Override
        public Object handleCall(Object message) {
            handled++;
            String[] w = Messages.words(message);
            return switch (w[0]) {
                case "ping" -> "pong";
                case "crash" -> throw new IllegalStateException("crash requested");
                case "count" -> handled;
                default -> "unknown message '" + w[0] + "' (ping, crash, count)";
            };
        }
    }
}
