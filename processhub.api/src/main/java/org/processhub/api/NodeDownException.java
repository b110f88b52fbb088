package org.processhub.api;

/** The node a request was sent to left the cluster or died before answering. */
public class NodeDownException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public NodeDownException(String message) {
        super(ErrorCode.NODE_DOWN, message);
    }
}
