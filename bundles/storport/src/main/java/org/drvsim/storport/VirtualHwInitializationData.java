package org.drvsim.storport;

import java.util.function.Function;
import org.drvsim.nt.InterfaceType;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * VIRTUAL_HW_INITIALIZATION_DATA: the routines a virtual miniport registers with {@link
 * StorPortDriverObject#storPortInitialize} (spec/storport-lifecycle.md section 1). Required:
 * HwFindAdapter (the 7-argument virtual form), HwInitialize, HwStartIo, HwResetBus, HwAdapterControl,
 * HwFreeAdapterResources, and {@link #deviceExtension} (Storport creates one extension per adapter before
 * HwFindAdapter, as it allocates and zeroes DeviceExtensionSize bytes). HwCompleteServiceIrp is required
 * with HwProcessServiceRequest; HwInitializeTracing and HwCleanupTracing go together. A virtual miniport
 * has no HwInterrupt, and Storport never calls HwBuildIo for it, so neither exists here.
 *
 * <p>Each routine type names the IRQL and thread Storport calls it at.
 *
 * @param <E> the miniport's device extension type (its per-adapter state)
 */
public final class VirtualHwInitializationData<E> {
    /** VirtualHwStorFindAdapter: PASSIVE_LEVEL on the PnP worker, when the adapter starts. */
    @ConsumerType @FunctionalInterface
    public interface HwFindAdapter<E> {
        /**
         * @param hwContext       the adapter's PDO (here its device instance ID)
         * @param busInformation  the adapter's FDO (here a name)
         * @param lowerDevice     the next lower device object (null for a root-enumerated adapter)
         * @param argumentString  the adapter's configuration as {@code key=value;...}, or null
         * @param configInfo      to fill: VirtualDevice, buses, targets, LUNs, transfer limits
         * @param again           Again: ignored for virtual miniports
         */
        SpReturn findAdapter(E deviceExtension, Object hwContext, Object busInformation, Object lowerDevice,
                             String argumentString, PortConfigurationInformation configInfo, boolean[] again);
    }

    /** HwStorInitialize: after HwFindAdapter returned FOUND; PASSIVE_LEVEL for a virtual miniport (spec 2.2). */
    @ConsumerType @FunctionalInterface
    public interface HwInitialize<E> { boolean initialize(E deviceExtension); }

    /**
     * HwStorStartIo: at DISPATCH_LEVEL on the submitting thread, possibly concurrently on several
     * threads (no port lock for a virtual miniport; spec 5). Returns TRUE; the SRB is completed, now or
     * later from any thread, with StorPortNotification(RequestComplete).
     */
    @ConsumerType @FunctionalInterface
    public interface HwStartIo<E> { boolean startIo(E deviceExtension, StorageRequestBlock srb); }

    /** HwStorResetBus: DISPATCH_LEVEL; completes the path's outstanding SRBs with SRB_STATUS_BUS_RESET. */
    @ConsumerType @FunctionalInterface
    public interface HwResetBus<E> { boolean resetBus(E deviceExtension, int pathId); }

    /** HwStorAdapterControl: PASSIVE_LEVEL on the PnP worker (spec 3). */
    @ConsumerType @FunctionalInterface
    public interface HwAdapterControl<E> {
        ScsiAdapterControlStatus adapterControl(E deviceExtension, ScsiAdapterControlType controlType, Object parameters);
    }

    /** HwStorFreeAdapterResources: PASSIVE_LEVEL, the last callback for the adapter (seed page). */
    @ConsumerType @FunctionalInterface
    public interface HwFreeAdapterResources<E> { void freeAdapterResources(E deviceExtension); }

    /** HwStorProcessServiceRequest: PASSIVE_LEVEL, a reverse-callback request. */
    @ConsumerType @FunctionalInterface
    public interface HwProcessServiceRequest<E> { void processServiceRequest(E deviceExtension, Object irp); }

    /** HwStorCompleteServiceIrp: PASSIVE_LEVEL, at adapter removal, before HwFreeAdapterResources. */
    @ConsumerType @FunctionalInterface
    public interface HwCompleteServiceIrp<E> { void completeServiceIrp(E deviceExtension); }

    /** HwStorInitializeTracing: PASSIVE_LEVEL, inside StorPortInitialize after a successful registration. */
    @ConsumerType @FunctionalInterface
    public interface HwInitializeTracing { void initializeTracing(StorPortDriverObject driverObject, String registryPath); }

    /** HwStorCleanupTracing: PASSIVE_LEVEL, when the driver unloads, after the last adapter is freed. */
    @ConsumerType @FunctionalInterface
    public interface HwCleanupTracing { void cleanupTracing(StorPortDriverObject driverObject); }

    /** HwStorUnitControl: PASSIVE_LEVEL, per logical unit. */
    @ConsumerType @FunctionalInterface
    public interface HwUnitControl<E> {
        ScsiUnitControlStatus unitControl(E deviceExtension, ScsiUnitControlType controlType, Object parameters);
    }

    /** AdapterInterfaceType: must be {@link InterfaceType#Internal} for a virtual miniport. */
    public InterfaceType adapterInterfaceType = InterfaceType.Internal;
    /** Creates the device extension of a new adapter (DeviceExtensionSize, zeroed). */
    public Function<StorPortAdapter, E> deviceExtension;
    public HwFindAdapter<E> hwFindAdapter;
    public HwInitialize<E> hwInitialize;
    public HwStartIo<E> hwStartIo;
    public HwResetBus<E> hwResetBus;
    public HwAdapterControl<E> hwAdapterControl;
    public HwFreeAdapterResources<E> hwFreeAdapterResources;
    public HwProcessServiceRequest<E> hwProcessServiceRequest;
    public HwCompleteServiceIrp<E> hwCompleteServiceIrp;
    public HwInitializeTracing hwInitializeTracing;
    public HwCleanupTracing hwCleanupTracing;
    public HwUnitControl<E> hwUnitControl;
    /** TaggedQueuing, AutoRequestSense, MultipleRequestPerLu: TRUE for a virtual miniport (spec 1.3). */
    public boolean taggedQueuing = true;
    public boolean autoRequestSense = true;
    public boolean multipleRequestPerLu = true;

    /**
     * @return the required routines that are not set, each as its WDK name and field (for example {@code
     *         HwStorResetBus (hwResetBus)}), and the partners of routines that go in pairs; empty when
     *         StorPortInitialize can succeed
     */
    public java.util.List<String> missingRoutines() {
        java.util.List<String> m = new java.util.ArrayList<>();
        need(m, deviceExtension, "the device extension factory (deviceExtension)");
        need(m, hwFindAdapter, "VirtualHwStorFindAdapter (hwFindAdapter)");
        need(m, hwInitialize, "HwStorInitialize (hwInitialize)");
        need(m, hwStartIo, "HwStorStartIo (hwStartIo)");
        need(m, hwResetBus, "HwStorResetBus (hwResetBus)");
        need(m, hwAdapterControl, "HwStorAdapterControl (hwAdapterControl)");
        need(m, hwFreeAdapterResources, "HwStorFreeAdapterResources (hwFreeAdapterResources)");
        if (hwProcessServiceRequest != null && hwCompleteServiceIrp == null) {
            m.add("HwStorCompleteServiceIrp (hwCompleteServiceIrp), required with HwStorProcessServiceRequest");
        }
        if (hwInitializeTracing != null && hwCleanupTracing == null) {
            m.add("HwStorCleanupTracing (hwCleanupTracing), required with HwStorInitializeTracing");
        }
        if (hwCleanupTracing != null && hwInitializeTracing == null) {
            m.add("HwStorInitializeTracing (hwInitializeTracing), required with HwStorCleanupTracing");
        }
        return m;
    }

    private static void need(java.util.List<String> missing, Object routine, String name) {
        if (routine == null) {
            missing.add(name);
        }
    }

    /** A copy, as Storport copies the structure in StorPortInitialize. */
    public VirtualHwInitializationData<E> copy() {
        VirtualHwInitializationData<E> c = new VirtualHwInitializationData<>();
        c.adapterInterfaceType = adapterInterfaceType;
        c.deviceExtension = deviceExtension;
        c.hwFindAdapter = hwFindAdapter;
        c.hwInitialize = hwInitialize;
        c.hwStartIo = hwStartIo;
        c.hwResetBus = hwResetBus;
        c.hwAdapterControl = hwAdapterControl;
        c.hwFreeAdapterResources = hwFreeAdapterResources;
        c.hwProcessServiceRequest = hwProcessServiceRequest;
        c.hwCompleteServiceIrp = hwCompleteServiceIrp;
        c.hwInitializeTracing = hwInitializeTracing;
        c.hwCleanupTracing = hwCleanupTracing;
        c.hwUnitControl = hwUnitControl;
        c.taggedQueuing = taggedQueuing;
        c.autoRequestSense = autoRequestSense;
        c.multipleRequestPerLu = multipleRequestPerLu;
        return c;
    }
}
