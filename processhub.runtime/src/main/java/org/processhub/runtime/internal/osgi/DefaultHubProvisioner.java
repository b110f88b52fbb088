package org.processhub.runtime.internal.osgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.processhub.api.ProcessHubConstants;

/**
 * Makes a node useful with no configuration at all: when the framework property
 * {@code processhub.default.hub} names a hub (the runnable jar sets {@code default}) and neither
 * ConfigAdmin nor the config folder defines it, creates {@code org.processhub.hub~<name>} with the
 * default strategies. A file {@code org.processhub.hub-<name>.cfg} in the folder replaces it.
 */
@Component(immediate = true, service = {})
public final class DefaultHubProvisioner {
    static final String PROPERTY = "processhub.default.hub";

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private ConfigurationAdmin configAdmin;

    /**
     * The folder FileInstall watches. The runnable jar sets {@code felix.fileinstall.dir} to
     * {@code ${processhub.etc:-etc}}, which FileInstall resolves itself: resolve it the same way.
     */
    static String configFolder(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null) return null;
        if (dir.contains("${processhub.etc")) {
            String etc = context.getProperty("processhub.etc");
            return etc == null || etc.isBlank() ? "etc" : etc;
        }
        return dir;
    }

    @Activate
    void activate(BundleContext context) throws IOException, InvalidSyntaxException {
        String name = context.getProperty(PROPERTY);
        if (name == null || name.isBlank()) return;
        String dir = configFolder(context);
        if (dir != null && Files.exists(Path.of(dir, ProcessHubConstants.HUB_FACTORY_PID + "-" + name + ".cfg"))) {
            return; // the folder defines it; FileInstall will create it (never race it for the same configuration)
        }
        String filter = "(&(service.factoryPid=" + ProcessHubConstants.HUB_FACTORY_PID + ")(" + ProcessHubConstants.HUB_ID + "=" + name + "))";
        Configuration[] existing = configAdmin.listConfigurations(filter);
        if (existing != null && existing.length > 0) return;
        Configuration c = configAdmin.getFactoryConfiguration(ProcessHubConstants.HUB_FACTORY_PID, name, "?");
        if (c.getProperties() == null) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(ProcessHubConstants.HUB_ID, name);
            c.update(props);
            logger.info("no configuration for hub '{}': starting it with the default strategies", name);
        }
    }
}
