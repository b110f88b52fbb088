package org.processhub.api;

/** No child with that id is in the hub's registry (or it runs on no reachable node). */
public class ChildNotFoundException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public ChildNotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
