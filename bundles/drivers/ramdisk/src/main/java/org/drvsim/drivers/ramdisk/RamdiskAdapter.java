package org.drvsim.drivers.ramdisk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.storport.PortConfigurationInformation;
import org.drvsim.storport.ScsiAdapterControlStatus;
import org.drvsim.storport.ScsiAdapterControlType;
import org.drvsim.storport.ScsiSupportedControlTypeList;
import org.drvsim.storport.SpReturn;
import org.drvsim.storport.StorPortAdapter;

/**
 * The ramdisk's device extension: one adapter with one bus, one target and up to {@link #MAX_LUNS}
 * logical units. The adapter's device parameters (its device node properties, what a driver reads from its registry
 * key; Storport hands them over as HwFindAdapter's ArgumentString) create LUN 0: {@code ramdisk.sizeBytes} and
 * {@code ramdisk.blockSize} for a memory disk ({@value #DEFAULT_SIZE_BYTES} and {@value #DEFAULT_BLOCK_SIZE} when
 * absent, so a device plugged without parameters works), or {@code ramdisk.image} (and {@code ramdisk.readOnly}) for
 * an image file. A bad value fails FindAdapter with SP_RETURN_BAD_CONFIG (the device gets Code 10). More LUNs come and go
 * with {@code ramdisk:attach} and {@code ramdisk:detach} (SRB_FUNCTION_IO_CONTROL).
 */
final class RamdiskAdapter {
    private static final Logger LOG = Logger.getLogger(RamdiskAdapter.class.getName());
    static final int MAX_LUNS = 8;
    /** MaximumTransferLength: 256 KiB per request. */
    static final int MAX_TRANSFER = 256 * 1024;
    static final String VENDOR = "DRVSIM";
    static final String PRODUCT = "RAMDISK";
    /** LUN 0's size when the device has no {@code ramdisk.sizeBytes} parameter: 64 MiB. */
    static final long DEFAULT_SIZE_BYTES = 64L << 20;
    /** LUN 0's block size when the device has no {@code ramdisk.blockSize} parameter. */
    static final int DEFAULT_BLOCK_SIZE = 512;

    final StorPortAdapter storport;
    /** The logical units on path 0, target 0, by LUN number. */
    final Map<Integer, ScsiDisk> luns = new ConcurrentSkipListMap<>();
    /** The LUNs the adapter's configuration made (not attached images): detached only when forced. */
    final java.util.Set<Integer> configuredLuns = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RamdiskAdapter(StorPortAdapter storport) {
        this.storport = storport;
    }

    static Map<String, String> parse(String argumentString) {
        Map<String, String> m = new HashMap<>();
        if (argumentString != null) {
            for (String kv : argumentString.split(";")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
            }
        }
        return m;
    }

    /**
     * VirtualHwStorFindAdapter: creates LUN 0 from the configuration and fills the port configuration; called again
     * after a PnP stop on the same extension, it keeps the LUNs it has.
     */
    static SpReturn findAdapter(RamdiskAdapter a, Object hwContext, Object busInformation, Object lowerDevice,
                                String argumentString, PortConfigurationInformation config, boolean[] again) {
        Map<String, String> cfg = parse(argumentString);
        if (a.luns.containsKey(0)) {
            // FindAdapter again after a PnP stop (a rebalance): Storport keeps the device extension, so the LUNs and
            // their data are still here (spec/storport-lifecycle.md section 4.C)
            fill(config);
            return SpReturn.SP_RETURN_FOUND;
        }
        try {
            int blockSize = Integer.parseInt(cfg.getOrDefault("ramdisk.blockSize", String.valueOf(DEFAULT_BLOCK_SIZE)));
            BackingStore store;
            if (cfg.containsKey("ramdisk.image")) {
                store = FileBackingStore.open(Path.of(cfg.get("ramdisk.image")), blockSize,
                        Boolean.parseBoolean(cfg.getOrDefault("ramdisk.readOnly", "false")));
            } else {
                store = new MemoryBackingStore(Long.parseLong(cfg.getOrDefault("ramdisk.sizeBytes",
                        String.valueOf(DEFAULT_SIZE_BYTES))), blockSize);
            }
            a.luns.put(0, new ScsiDisk(store, VENDOR, PRODUCT, serial(hwContext, 0), 0));
            a.configuredLuns.add(0);
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.WARNING, "ramdisk: bad configuration '" + argumentString + "': " + e.getMessage());
            return SpReturn.SP_RETURN_BAD_CONFIG;
        }
        fill(config);
        return SpReturn.SP_RETURN_FOUND;
    }

    private static void fill(PortConfigurationInformation config) {
        config.virtualDevice = true;
        config.numberOfBuses = 1;
        config.maximumNumberOfTargets = 1;
        config.maximumNumberOfLogicalUnits = MAX_LUNS;
        config.maximumTransferLength = MAX_TRANSFER;
        config.scatterGather = true;
    }

    static String serial(Object hwContext, int lun) {
        String id = String.valueOf(hwContext);
        return "RD" + Integer.toHexString(id.hashCode() & 0x7FFFFFFF).toUpperCase() + "L" + lun;
    }

    /** HwStorInitialize: nothing to program on a virtual adapter. */
    static boolean initialize(RamdiskAdapter a) {
        return true;
    }

    /**
     * HwStorAdapterControl: declares types 0 to 2 (query, stop, restart) as the reference virtual
     * miniports do; stop keeps the LUNs (Storport frees on removal, spec section 3).
     */
    static ScsiAdapterControlStatus adapterControl(RamdiskAdapter a, ScsiAdapterControlType type, Object parameters) {
        switch (type) {
            case ScsiQuerySupportedControlTypes -> {
                ScsiSupportedControlTypeList list = (ScsiSupportedControlTypeList) parameters;
                list.support(ScsiAdapterControlType.ScsiQuerySupportedControlTypes);
                list.support(ScsiAdapterControlType.ScsiStopAdapter);
                list.support(ScsiAdapterControlType.ScsiRestartAdapter);
                return ScsiAdapterControlStatus.ScsiAdapterControlSuccess;
            }
            case ScsiStopAdapter, ScsiRestartAdapter -> {
                return ScsiAdapterControlStatus.ScsiAdapterControlSuccess;
            }
            default -> {
                return ScsiAdapterControlStatus.ScsiAdapterControlUnsuccessful;
            }
        }
    }

    /** HwStorResetBus: every request is completed inside HwStorStartIo, so none is outstanding. */
    static boolean resetBus(RamdiskAdapter a, int pathId) {
        return true;
    }

    /** HwStorFreeAdapterResources: the last callback; flushes and closes every backing store. */
    static void freeAdapterResources(RamdiskAdapter a) {
        for (ScsiDisk d : List.copyOf(a.luns.values())) {
            closeQuietly(d.store());
        }
        a.luns.clear();
    }

    static void closeQuietly(BackingStore s) {
        try {
            s.flush();
            s.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "ramdisk: closing " + s.describe(), e);
        }
    }
}
