/**
 * The drvsim test kit: what a driver author's integration test (Pax Exam, JUnit 4) needs, and what drvsim's own
 * integration tests use. Extend {@link org.drvsim.test.DrvsimTestSupport}: it boots Felix 7 with the drvsim
 * platform (resolved from its requirements when the kit was built) and the driver under test from {@code
 * target/}, on an {@link org.drvsim.test.Machine#EMPTY empty} or the {@link org.drvsim.test.Machine#DEFAULT
 * default} machine; gives the test the trace, the hardware bus, the PnP manager, the verifier and the three
 * harnesses; plugs devices; waits for trace events; and fails a test whose drivers broke a verifier rule.
 * {@link org.drvsim.test.DrvsimAssertions#assertThat(org.drvsim.kernel.Trace)} asserts exact callback sequences
 * per device and per driver.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.drvsim.test;
