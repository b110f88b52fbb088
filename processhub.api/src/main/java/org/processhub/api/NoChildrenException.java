package org.processhub.api;

/** A start or stop request named no children. */
public class NoChildrenException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public NoChildrenException() {
        super(ErrorCode.NO_CHILDREN, "no children given");
    }
}
