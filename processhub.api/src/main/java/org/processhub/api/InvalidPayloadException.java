package org.processhub.api;

/** A value is not an allowed {@link Payloads} value, or could not be decoded. */
public class InvalidPayloadException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(ErrorCode.INVALID_PAYLOAD, message);
    }
}
