package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.Hang;
import org.drvsim.itest.fixtures.HangInHaltExDriver;
import org.drvsim.itest.fixtures.HangingNdisDriver;
import org.junit.Test;

/**
 * The real drvsim.jar shuts down with a hung driver: the driver's MiniportHaltEx never returns, the watchdog reports
 * it at its limit and isolates the driver, and the framework goes on to halt and unload every other driver, write the
 * trace export and exit (DriverWatchdog: "framework shutdown with one hung driver completes within the limit plus a
 * few seconds").
 */
public class HungShutdownScriptTest extends DrvsimJarTestSupport {
    static final long PASSIVE_MILLIS = 2000;

    /** The fixture as a driver jar of its own, claiming ROOT\\HANGNIC, as a driver author's build would make it. */
    private Path fixtureJar() throws Exception {
        return driverJar("hang-in-halt.jar", "fixture.hang.halt", "ndis", HangInHaltExDriver.class, "ROOT\\HANGNIC",
                FixtureDriver.class, HangingNdisDriver.class, Hang.class, HangInHaltExDriver.class);
    }

    @Test
    public void aDriverWhoseHaltExNeverReturnsDoesNotKeepThePlatformFromShuttingDownTheOrderlyWay() throws Exception {
        Path trace = tmp.getRoot().toPath().resolve("shutdown.json");
        long start = System.nanoTime();
        Run r = run("start " + fixtureJar().toUri() + "\n"
                        + "hw:plug 'ROOT\\HANGNIC\\0001' 'ROOT\\HANGNIC'\n",
                "-D" + org.drvsim.kernel.DriverWatchdog.PASSIVE_LIMIT_PROPERTY + "=" + PASSIVE_MILLIS,
                "-Ddrvsim.trace.export=" + trace);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        // the hang never ends: only the watchdog lets the shutdown finish (a wedged one meets run()'s 120 s limit)
        assertThat(seconds).as("start, plug and shutdown with a hung driver").isLessThan(60);
        assertThat(r.err()).contains("CallbackHung (bug check 0x9F) by fixture.hang.halt/1.0.0 on ROOT\\HANGNIC\\0001: "
                + "MiniportHaltEx did not return within " + PASSIVE_MILLIS + " ms");
        assertThat(trace).exists();
        String json = Files.readString(trace);
        assertThat(json).contains("\"DriverIsolated\"");
        // the other drivers were halted and unloaded after the hung one was given up on
        int isolated = json.indexOf("\"DriverIsolated\"");
        assertThat(json.split("\"MiniportHaltEx\"", -1)).as("the hung one and one per netvmini and e1k adapter").hasSize(6);
        assertThat(json.lastIndexOf("\"MiniportHaltEx\"")).isGreaterThan(isolated);
        assertThat(json.lastIndexOf("\"HwStorFreeAdapterResources\"")).isGreaterThan(isolated);
        assertThat(json.lastIndexOf("\"EvtDeviceReleaseHardware\"")).isGreaterThan(isolated);
    }
}
