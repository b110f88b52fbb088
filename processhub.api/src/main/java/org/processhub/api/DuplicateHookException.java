package org.processhub.api;

/** A hook handler with the same id is already registered for that hook. */
public class DuplicateHookException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public DuplicateHookException(String message) {
        super(ErrorCode.DUPLICATE_HOOK, message);
    }
}
