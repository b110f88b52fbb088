package org.processhub.api;

/** Whether a replica is the one that should act ({@code ACTIVE}) or stand by ({@code PASSIVE}). */
public enum Mode {
    ACTIVE,
    PASSIVE
}
