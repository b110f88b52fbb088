package org.processhub.api;

/** When the supervisor restarts a child whose process ended (the Erlang/OTP restart types). */
public enum RestartPolicy {
    /** Always restarted, whether it crashed or stopped itself. */
    PERMANENT,
    /** Restarted only after a crash; a process that stops itself normally is removed. */
    TRANSIENT,
    /** Never restarted: it is removed from the hub when its process ends for any reason. */
    TEMPORARY
}
