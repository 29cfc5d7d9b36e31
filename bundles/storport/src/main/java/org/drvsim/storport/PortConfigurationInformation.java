package org.drvsim.storport;

import org.drvsim.nt.InterfaceType;

/**
 * PORT_CONFIGURATION_INFORMATION, reduced to what a virtual miniport sets in VirtualHwStorFindAdapter
 * (spec/storport-lifecycle.md section 2.1). Storport reads it after HwFindAdapter returns FOUND.
 */
public final class PortConfigurationInformation {
    /** AdapterInterfaceType: {@link InterfaceType#Internal} for a virtual miniport. */
    public final InterfaceType adapterInterfaceType;
    /** VirtualDevice: must be set to true by a virtual miniport. */
    public boolean virtualDevice;
    /** NumberOfBuses (path IDs). */
    public int numberOfBuses = 1;
    /** MaximumNumberOfTargets per bus. */
    public int maximumNumberOfTargets = 1;
    /** MaximumNumberOfLogicalUnits per target. */
    public int maximumNumberOfLogicalUnits = 1;
    /** MaximumTransferLength in bytes of one request. */
    public int maximumTransferLength = 64 * 1024;
    /** NumberOfPhysicalBreaks. */
    public int numberOfPhysicalBreaks = 16;
    /** MaxNumberOfIO: requests the adapter may have outstanding at once. */
    public int maxNumberOfIO = 1000;
    /** ScatterGather. */
    public boolean scatterGather = true;
    /** CachesData. */
    public boolean cachesData;

    public PortConfigurationInformation(InterfaceType adapterInterfaceType) {
        this.adapterInterfaceType = adapterInterfaceType;
    }
}
