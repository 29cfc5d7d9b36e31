/**
 * The NDIS 6 miniport driver interface: what a miniport implements (the handlers of {@link
 * org.drvsim.ndis.NdisMiniportDriverCharacteristics}, named as the WDK names them: {@code
 * initializeEx} models MiniportInitializeEx, {@code haltEx} MiniportHaltEx) and the NDIS functions it
 * calls ({@link org.drvsim.ndis.NdisDriverObject#ndisMRegisterMiniportDriver}, {@link
 * org.drvsim.ndis.NdisMiniportAdapterHandle#ndisMIndicateReceiveNetBufferLists}, ...). The documented
 * call orders are digested in spec/ndis-lifecycle.md; the seed pages are
 * spec/seeds/ndis-halting-a-miniport-adapter.md and spec/seeds/ndis-MINIPORT_UNLOAD.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("3.2.0")
package org.drvsim.ndis;
