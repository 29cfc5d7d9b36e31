package org.drvsim.kernel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Verifier;
import org.drvsim.nt.Irql;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The driver watchdog: a routine that overruns the limit of its IRQL is reported as CallbackHung (0x9F at
 * PASSIVE_LEVEL, 0x133 at DISPATCH_LEVEL) with its stack, its driver is isolated once, its thread is replaced, and a
 * routine that returns after being declared hung gets CallbackAbandoned.
 */
public class DriverWatchdogImplTest {
    private static final Logger[] QUIET = {Logger.getLogger(ThreadedScheduler.class.getName()),
        Logger.getLogger(DriverWatchdogImpl.class.getName()), Logger.getLogger(KernelVerifier.class.getName())};
    private final Level[] levels = new Level[QUIET.length];
    private ThreadedScheduler scheduler;
    private KernelVerifier verifier;
    private final List<String> isolations = new CopyOnWriteArrayList<>();
    private DriverWatchdogImpl watchdog;

    @Before
    public void start() {
        for (int i = 0; i < QUIET.length; i++) {
            levels[i] = QUIET[i].getLevel();
            QUIET[i].setLevel(Level.OFF);
        }
        scheduler = new ThreadedScheduler(2);
        verifier = new KernelVerifier(new TraceRecorder(() -> 0));
        PnpManager pnp = (PnpManager) Proxy.newProxyInstance(PnpManager.class.getClassLoader(),
                new Class<?>[] {PnpManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isolate")) {
                        isolations.add(args[0] + ": " + args[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        watchdog = new DriverWatchdogImpl(verifier, scheduler, pnp, 300, 100);
    }

    @After
    public void stop() {
        watchdog.deactivate();
        scheduler.close();
        for (int i = 0; i < QUIET.length; i++) {
            QUIET[i].setLevel(levels[i]);
        }
    }

    @Test
    public void aRoutineWithinItsLimitIsNotReported() {
        DriverWatchdog.Watch w = watchdog.enter("drv/1", "ROOT\\X\\0000", "MiniportInitializeEx");
        w.exit();
        assertThat(verifier.violations()).isEmpty();
        assertThat(watchdog.isolated("drv/1")).isFalse();
    }

    @Test
    public void aHungPassiveRoutineOnThePnpWorkerIsReportedIsolatesItsDriverAndFreesThePnpQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Throwable> afterExit = new CompletableFuture<>();
        CompletableFuture<Object> caller = CompletableFuture.supplyAsync(() -> {
            try {
                return scheduler.callPnp("start ROOT\\X\\0000", () -> {
                    DriverWatchdog.Watch w = watchdog.enter("drv/1", "ROOT\\X\\0000", "MiniportInitializeEx");
                    release.await(); // the driver's routine hangs
                    try {
                        w.exit();
                        afterExit.complete(null);
                    } catch (Throwable t) {
                        afterExit.complete(t);
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });

        assertThatThrownBy(() -> caller.get(5, TimeUnit.SECONDS)).hasRootCauseMessage(
                "CallbackHung: MiniportInitializeEx of drv/1 did not return within 300 ms; the driver is isolated");
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).hasSize(1);
        assertThat(v.get(0).rule()).isEqualTo("CallbackHung");
        assertThat(v.get(0).bugCheckCode()).isEqualTo(0x9F);
        assertThat(v.get(0).driver()).isEqualTo("drv/1");
        assertThat(v.get(0).device()).isEqualTo("ROOT\\X\\0000");
        assertThat(v.get(0).message()).startsWith("MiniportInitializeEx did not return within 300 ms (thread drvsim-pnp, "
                + "PASSIVE_LEVEL); the driver is isolated; stack: ").contains("CountDownLatch.await");
        assertThat(isolations).containsExactly("drv/1: CallbackHung in MiniportInitializeEx");
        assertThat(watchdog.isolated("drv/1")).isTrue();
        assertThat(watchdog.isolated("drv/2")).isFalse();
        // PnP goes on on a fresh thread
        assertThat(scheduler.callPnp("next", () -> Thread.currentThread().getName())).isEqualTo("drvsim-pnp-2");
        // the routine returns at last: the port code after it must not go on
        release.countDown();
        assertThat(afterExit.get(5, TimeUnit.SECONDS)).isInstanceOf(DriverWatchdog.CallbackAbandoned.class)
                .hasMessage("MiniportInitializeEx of drv/1 returned after it was declared hung; the work that called it "
                        + "was abandoned");
    }

    @Test
    public void aHungDpcUsesTheDispatchLimitAndBugCheck0x133AndASecondHangOfTheSameDriverIsolatesItOnce()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable hang = () -> {
            DriverWatchdog.Watch w = watchdog.enter("drv/1", "", "MiniportInterruptDPC");
            try {
                release.await();
                w.exit();
            } catch (InterruptedException | DriverWatchdog.CallbackAbandoned e) {
                // abandoned
            }
        };
        scheduler.queueDpc(0, "dpc", hang);
        scheduler.queueDpc(1, "dpc", hang);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (verifier.violations().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(verifier.violations()).extracting(Verifier.Violation::rule, Verifier.Violation::bugCheckCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("CallbackHung", 0x133),
                        org.assertj.core.groups.Tuple.tuple("CallbackHung", 0x133));
        assertThat(verifier.violations().get(0).message()).contains("within 100 ms").contains("DISPATCH_LEVEL");
        assertThat(isolations).containsExactly("drv/1: CallbackHung in MiniportInterruptDPC");
        // both processors got fresh threads
        CompletableFuture<Irql> p0 = new CompletableFuture<>();
        CompletableFuture<Irql> p1 = new CompletableFuture<>();
        scheduler.queueDpc(0, "after", () -> p0.complete(Irql.current()));
        scheduler.queueDpc(1, "after", () -> p1.complete(Irql.current()));
        assertThat(p0.get(5, TimeUnit.SECONDS)).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(p1.get(5, TimeUnit.SECONDS)).isEqualTo(Irql.DISPATCH_LEVEL);
        release.countDown();
    }

    @Test
    public void aLimitMustBeAPositiveNumberOfMilliseconds() {
        assertThat(DriverWatchdogImpl.limit(null, "p", 7)).isEqualTo(7);
        assertThat(DriverWatchdogImpl.limit(" 250 ", "p", 7)).isEqualTo(250);
        assertThatThrownBy(() -> DriverWatchdogImpl.limit("0", DriverWatchdog.PASSIVE_LIMIT_PROPERTY, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("framework property drvsim.watchdog.passiveMillis='0' is not a positive number of milliseconds");
        assertThatThrownBy(() -> DriverWatchdogImpl.limit("soon", DriverWatchdog.DISPATCH_LIMIT_PROPERTY, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("framework property drvsim.watchdog.dispatchMillis='soon' is not a positive number of milliseconds");
    }
}
