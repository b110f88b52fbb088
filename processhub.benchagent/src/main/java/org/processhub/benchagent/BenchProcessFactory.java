package org.processhub.benchagent;

import org.osgi.service.component.annotations.Component;
import org.processhub.api.ChildSpec;
import org.processhub.api.HubProcess;
import org.processhub.api.ProcessFactory;

/**
 * Factory {@code bench}: the benchmark's payload process, the counterpart of the tiny Ignite service. It
 * has no fields (16 bytes of heap), keeps no context, and echoes every call, so heap per child measures
 * what the runtime costs, not what the process holds.
 */
@Component(property = "processhub.factory=bench")
public final class BenchProcessFactory implements ProcessFactory {
    @Override
    public HubProcess create(ChildSpec spec) {
        return new Echo();
    }

    static final class Echo implements HubProcess {
        @Override
        public Object handleCall(Object message) {
            return message;
        }
    }
}
