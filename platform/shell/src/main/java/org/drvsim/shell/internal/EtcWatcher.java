package org.drvsim.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Has FileInstall watch {@code etc/} of drvsim's home for {@code *.cfg} files, which it gives to ConfigAdmin: the
 * factory configuration {@code org.apache.felix.fileinstall~etc}, FileInstall's way of watching a second folder
 * (its initial watcher, {@code felix.fileinstall.dir}, watches {@code deploy/}). Does nothing outside drvsim.jar,
 * where {@value DrvsimHome#PROPERTY} is not set.
 */
@Component(immediate = true, service = {})
public final class EtcWatcher {
    @Activate
    public EtcWatcher(BundleContext context, @Reference ConfigurationAdmin admin) throws IOException {
        String home = context.getProperty(DrvsimHome.PROPERTY);
        if (home == null) {
            return;
        }
        Path etc = new DrvsimHome(Path.of(home)).etc;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", etc.toString());
        props.put("felix.fileinstall.filter", ".*\\.cfg");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.log.level", "2");
        // "?": any bundle may receive it (FileInstall's own ManagedServiceFactory)
        Configuration c = admin.getFactoryConfiguration(DrvsimHome.ETC_WATCHER_FACTORY, DrvsimHome.ETC_WATCHER_NAME, "?");
        c.updateIfDifferent(props);
    }
}
