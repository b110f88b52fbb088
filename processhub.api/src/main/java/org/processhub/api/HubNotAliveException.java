package org.processhub.api;

/** The hub is stopped or stopping. */
public class HubNotAliveException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public HubNotAliveException(String message) {
        super(ErrorCode.HUB_NOT_ALIVE, message);
    }
}
