package org.processhub.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to start: a child id unique within the hub, the name of the {@link ProcessFactory} that makes its
 * process, arguments (allowed {@link Payloads} values) and a restart policy.
 *
 * <p>Instances are validated when built: a bad spec throws {@link InvalidSpecException} naming the field.
 */
public record ChildSpec(String id, String factory, Map<String, Object> args, RestartPolicy restart) {
    /** Longest child id accepted, in characters. */
    public static final int MAX_ID_LENGTH = 512;
    private static final Pattern FACTORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ChildSpec {
        if (id == null || id.isEmpty()) {
            throw new InvalidSpecException("child id must not be empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidSpecException("child id longer than " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i)) || Character.isWhitespace(id.charAt(i))) {
                throw new InvalidSpecException("child id '" + printable(id) + "' contains whitespace or a control character");
            }
        }
        if (!validFactory(factory)) {
            throw new InvalidSpecException("child '" + id + "': factory name '" + printable(String.valueOf(factory))
                    + "' must match " + FACTORY.pattern());
        }
        Map<String, Object> copy = args == null || args.isEmpty() ? null : new LinkedHashMap<>();
        if (copy != null) {
            for (Map.Entry<String, Object> e : args.entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty()) {
                    throw new InvalidSpecException("child '" + id + "': argument with an empty name");
                }
                try {
                    Payloads.check(e.getValue(), "argument '" + e.getKey() + "'");
                } catch (InvalidPayloadException ex) {
                    throw new InvalidSpecException("child '" + id + "': " + ex.getMessage());
                }
                copy.put(e.getKey(), e.getValue());
            }
        }
        args = copy == null ? Collections.emptyMap() : Collections.unmodifiableMap(copy); // a shared empty map: most specs have no args
        restart = Objects.requireNonNullElse(restart, RestartPolicy.PERMANENT);
    }

    /** {@link #FACTORY} without a regex: this runs for every spec decoded on every node. */
    private static boolean validFactory(String f) {
        if (f == null || f.isEmpty() || f.length() > 128) return false;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
        }
        return true;
    }

    /** A permanent child without arguments. */
    public static ChildSpec of(String id, String factory) {
        return new ChildSpec(id, factory, Map.of(), RestartPolicy.PERMANENT);
    }

    /** A permanent child with arguments. */
    public static ChildSpec of(String id, String factory, Map<String, Object> args) {
        return new ChildSpec(id, factory, args, RestartPolicy.PERMANENT);
    }

    public ChildSpec withRestart(RestartPolicy policy) {
        return new ChildSpec(id, factory, args, policy);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c)));
        return b.toString();
    }
}
