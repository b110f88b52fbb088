package org.processhub.api;

/** The target process's mailbox is full; the message was not delivered. */
public class MailboxFullException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public MailboxFullException(String message) {
        super(ErrorCode.MAILBOX_FULL, message);
    }
}
