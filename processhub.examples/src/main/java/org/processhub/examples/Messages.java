package org.processhub.examples;

/** Parses the plain-text messages the examples understand ({@code "put k v"} → words). */
final class Messages {
    private Messages() {}

    static String[] words(Object message) {
        if (!(message instanceof String s)) {
            throw new IllegalArgumentException("expected a text message, got " + (message == null ? "null" : message.getClass().getSimpleName()));
        }
        return s.trim().split("\\s+", 3);
    }
}
