package org.processhub.benchmarks.ignite;

/** The interface of the benchmark's Ignite service, called through a service proxy. */
public interface Probe {
    /** Returns its argument (the counterpart of the ProcessHub bench process's echo). */
    Object ping(Object message);
}
