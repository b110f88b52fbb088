package org.processhub.api;

/** A {@link ChildSpec} or a request is malformed; the message names the field. */
public class InvalidSpecException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(ErrorCode.INVALID_SPEC, message);
    }
}
