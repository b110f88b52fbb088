package org.processhub.api;

/** The hub has lost quorum ({@link ProcessHub#isPartitioned()}): it refuses starts and stops until quorum is back. */
public class PartitionedException extends ProcessHubException {
    private static final long serialVersionUID = 1L;

    public PartitionedException(String message) {
        super(ErrorCode.PARTITIONED, message);
    }
}
