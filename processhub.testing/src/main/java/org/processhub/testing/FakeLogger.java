package org.processhub.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.osgi.service.log.Logger;

/**
 * A stand-in for the OSGi Logger DS injects into a component's {@code logger} field: records every line logged,
 * as {@code LEVEL message} with the {} placeholders filled in.
 */
public final class FakeLogger {
    public final List<String> lines = new ArrayList<>();

    /** Puts a fake logger into {@code component}'s {@code logger} field, as DS field injection would. */
    public static FakeLogger injectInto(Object component) throws ReflectiveOperationException {
        FakeLogger fake = new FakeLogger();
        Field field = component.getClass().getDeclaredField("logger");
        field.setAccessible(true);
        field.set(component, fake.logger());
        return fake;
    }

    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is")) return true; // is<Level>Enabled
                    if (name.equals("getName") || name.equals("toString")) return "fake";
                    if (name.equals("hashCode")) return System.identityHashCode(proxy);
                    if (name.equals("equals")) return proxy == args[0];
                    if (args != null && args.length > 0 && args[0] instanceof String format) {
                        Object[] values = args.length == 2 && args[1] instanceof Object[] array ? array
                                : Arrays.copyOfRange(args, 1, args.length);
                        lines.add(name.toUpperCase(Locale.ROOT) + " " + format(format, values));
                    }
                    return null;
                });
    }

    private static String format(String format, Object[] values) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        int next = 0;
        for (int at = format.indexOf("{}"); at >= 0 && next < values.length; at = format.indexOf("{}", from)) {
            b.append(format, from, at).append(values[next++]);
            from = at + 2;
        }
        return b.append(format.substring(from)).toString();
    }
}
