package org.processhub.api;

/** A request goes past a configured bound (batch size, pending calls, ...); the message names the limit. */
public class LimitExceededException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(String message) {
        super(ErrorCode.LIMIT_EXCEEDED, message);
    }
}
