package org.processhub.api;

/** An operation did not complete within its timeout. */
public class HubTimeoutException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public HubTimeoutException(String message) {
        super(ErrorCode.TIMEOUT, message);
    }
}
