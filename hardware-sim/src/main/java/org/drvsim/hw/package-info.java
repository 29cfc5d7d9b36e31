/**
 * The simulated machine as hardware sees it: devices with identity (hardware IDs, a device instance
 * ID), presence, properties (what an INF or the registry would hold for the device) and injectable
 * faults. Nothing here knows a Windows driver model; the kernel's PnP manager listens to the
 * {@link org.drvsim.hw.HardwareBus} and turns arrivals and removals into device-node changes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.drvsim.hw;
