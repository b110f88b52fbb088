package org.processhub.api;

import java.util.List;

/** Children with these ids are already registered in the hub (see {@link StartOptions#checkExisting()}). */
public class AlreadyStartedException extends ProcessHubException {
    private static final long serialVersionUID = 1L;
    private final List<String> childIds;

    public AlreadyStartedException(List<String> childIds) {
        this(childIds, "already started: " + preview(childIds));
    }

    public AlreadyStartedException(List<String> childIds, String message) {
        super(ErrorCode.ALREADY_STARTED, message);
        this.childIds = List.copyOf(childIds);
    }

    /** The ids that were already registered. */
    public List<String> childIds() {
        return childIds;
    }

    private static String preview(List<String> ids) {
        return ids.size() <= 10 ? String.join(", ", ids)
                : String.join(", ", ids.subList(0, 10)) + " and " + (ids.size() - 10) + " more";
    }
}
