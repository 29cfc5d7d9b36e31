package org.drvsim.kernel;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * A loaded driver, as {@code DRIVER_OBJECT}: one per started driver bundle. The kernel creates it
 * before DriverEntry and deletes it after the unload routine returns.
 */
@ProviderType
public interface DriverObject {
    /** @return the driver's name in the trace: {@code bundleSymbolicName/bundleVersion} */
    String name();

    /** @return the driver bundle */
    Bundle bundle();

    /** @return the model, for example {@code ndis} */
    String model();

    /** @return the hardware IDs the driver claims (its INF's models section) */
    List<String> hardwareIds();

    /** @return the devices the driver runs now */
    List<DeviceNode> devices();

    /**
     * @return the models the driver uses besides its own, as libraries (a KMDF miniport of the ndis model uses
     *         wdf), as {@link PnpManager#addDependency} recorded them
     */
    default java.util.Set<String> dependencies() {
        return java.util.Set.of();
    }
}
