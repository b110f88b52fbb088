package org.processhub.api;

import java.util.List;

/**
 * Base of every error ProcessHub reports. Catch a subclass for one kind, or this class and switch on
 * {@link #code()}. {@link #of(ErrorCode, String)} rebuilds the typed exception from a code, e.g. for an
 * error that came from another node.
 */
public class ProcessHubException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public ProcessHubException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ProcessHubException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The typed exception for {@code code}. */
    public static ProcessHubException of(ErrorCode code, String message) {
        return switch (code) {
            case ALREADY_STARTED -> new AlreadyStartedException(List.of(), message);
            case NO_CHILDREN -> new NoChildrenException();
            case PARTITIONED -> new PartitionedException(message);
            case TIMEOUT -> new HubTimeoutException(message);
            case UNKNOWN_FACTORY -> new UnknownFactoryException(message);
            case INVALID_SPEC -> new InvalidSpecException(message);
            case NOT_FOUND -> new ChildNotFoundException(message);
            case NODE_DOWN -> new NodeDownException(message);
            case HUB_NOT_ALIVE -> new HubNotAliveException(message);
            case INVALID_PAYLOAD -> new InvalidPayloadException(message);
            case MAILBOX_FULL -> new MailboxFullException(message);
            case DUPLICATE_HOOK -> new DuplicateHookException(message);
            case LIMIT_EXCEEDED -> new LimitExceededException(message);
            default -> new ProcessHubException(code, message);
        };
    }
}
