package org.processhub.api;

/** What a batch start does when some of its children fail. */
public enum OnFailure {
    /** Keep the children that started; report the failures. */
    CONTINUE,
    /** Stop every child the batch started, then report the failures. */
    ROLLBACK
}
