package org.processhub.api;

/** No {@link ProcessFactory} service is registered under the name a {@link ChildSpec} gives. */
public class UnknownFactoryException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public UnknownFactoryException(String message) {
        super(ErrorCode.UNKNOWN_FACTORY, message);
    }
}
