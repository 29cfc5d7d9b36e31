/**
 * The protocol side of NDIS, for the shell, tests and benchmarks: {@link
 * org.drvsim.ndis.harness.ProtocolHarness} binds to the adapters NDIS runs, as a protocol driver such as
 * tcpip.sys binds, and issues OID requests, sends frames and receives what the miniport indicates. It is the
 * NDIS member of the three harness packages ({@code org.drvsim.storport.harness}, {@code
 * org.drvsim.wdf.harness}), which share one shape: list what the model runs, name it by instance ID or short
 * name, send it requests and wait for their completion. Drivers do not use this package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.drvsim.ndis.harness;
