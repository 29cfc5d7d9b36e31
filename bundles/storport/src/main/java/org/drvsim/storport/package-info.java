/**
 * The Storport virtual miniport interface: what a miniport implements (the routines of {@link
 * org.drvsim.storport.VirtualHwInitializationData}, named as the WDK names them: {@code findAdapter}
 * models VirtualHwStorFindAdapter, {@code startIo} HwStorStartIo, {@code freeAdapterResources}
 * HwStorFreeAdapterResources), the request it serves ({@link org.drvsim.storport.StorageRequestBlock})
 * and the Storport functions it calls ({@link org.drvsim.storport.StorPortDriverObject#storPortInitialize},
 * {@link org.drvsim.storport.StorPortAdapter#storPortNotification}). The documented orders are digested in
 * spec/storport-lifecycle.md; the seed page is spec/seeds/storport-HW_FREE_ADAPTER_RESOURCES.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.drvsim.storport;
