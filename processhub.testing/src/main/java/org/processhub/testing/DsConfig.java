package org.processhub.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A stand-in for the Config object DS hands to an @Activate constructor: element {@code a_b} reads property
 * {@code a.b}; a missing property falls back to the element's default (bnd writes the defaults into the
 * component description), else to 0/false/null; strings are converted on read and a bad one throws, as in SCR.
 */
public final class DsConfig {
    private DsConfig() {}

    public static <A> A of(Class<A> type, Map<String, ?> properties) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString": return "DsConfig" + properties;
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                case "annotationType": return type;
                default: return value(method, properties.get(method.getName().replace('_', '.')));
            }
        }));
    }

    private static Object value(Method element, Object raw) {
        Class<?> t = element.getReturnType();
        if (raw == null) raw = element.getDefaultValue();
        if (raw == null) return t == int.class ? 0 : t == long.class ? 0L : t == boolean.class ? false : null;
        String s = String.valueOf(raw);
        if (t == int.class) return raw instanceof Number n ? n.intValue() : Integer.parseInt(s);
        if (t == long.class) return raw instanceof Number n ? n.longValue() : Long.parseLong(s);
        if (t == boolean.class) return raw instanceof Boolean b ? b : Boolean.parseBoolean(s);
        return s;
    }
}
