package org.drvsim.drivers.netvmini;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisTimer;
import org.drvsim.ndis.NetBufferList;

/**
 * A miniport adapter handle that records what NdisMSetMiniportAttributes is given and answers
 * {@link #setAttributesStatus}, and hands out timer objects that only record their use. The data-path
 * DDIs are not used by these tests and refuse.
 */
class FakeAdapterHandle implements NdisMiniportAdapterHandle {
    final List<NdisMiniportAdapterAttributes> attributes = new ArrayList<>();
    final List<FakeTimer> timers = new ArrayList<>();
    NdisStatus setAttributesStatus = NdisStatus.NDIS_STATUS_SUCCESS;

    /** Runs MiniportInitializeEx on a fresh handle and returns the adapter it registered. */
    static NetvminiAdapter initializedAdapter(int ifIndex, Map<String, String> configuration) {
        FakeAdapterHandle handle = new FakeAdapterHandle();
        NdisStatus status = NetvminiAdapter.initializeEx(new NetvminiDriver(), handle,
                new NdisMiniportInitParameters(0, ifIndex, configuration));
        if (status != NdisStatus.NDIS_STATUS_SUCCESS) {
            throw new AssertionError("MiniportInitializeEx returned " + status);
        }
        return handle.adapter();
    }

    /** @return the MiniportAdapterContext of the registration attributes */
    NetvminiAdapter adapter() {
        return (NetvminiAdapter) registration().miniportAdapterContext();
    }

    NdisMiniportAdapterAttributes.Registration registration() {
        return (NdisMiniportAdapterAttributes.Registration) attributes.get(0);
    }

    NdisMiniportAdapterAttributes.General general() {
        return (NdisMiniportAdapterAttributes.General) attributes.get(1);
    }

    @Override
    public String instanceId() {
        return "ROOT\\NETVMINI\\0000";
    }

    @Override
    public NdisStatus ndisMSetMiniportAttributes(NdisMiniportAdapterAttributes miniportAttributes) {
        attributes.add(miniportAttributes);
        return setAttributesStatus;
    }

    @Override
    public void ndisMSendNetBufferListsComplete(NetBufferList netBufferLists, int sendCompleteFlags) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMIndicateReceiveNetBufferLists(NetBufferList netBufferLists, int portNumber,
                                                   int numberOfNetBufferLists, int receiveFlags) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMOidRequestComplete(NdisOidRequest oidRequest, NdisStatus status) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMPauseComplete() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMRestartComplete(NdisStatus status) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMResetComplete(NdisStatus status, boolean addressingReset) {
        throw new UnsupportedOperationException(); // netvmini registers no MiniportResetEx
    }

    @Override
    public NdisTimer ndisAllocateTimerObject(String name, Runnable timerFunction) {
        FakeTimer t = new FakeTimer(name);
        timers.add(t);
        return t;
    }

    /** A timer object that is never run; it remembers whether it was set and freed. */
    static final class FakeTimer implements NdisTimer {
        final String name;
        boolean set;
        boolean freed;

        FakeTimer(String name) {
            this.name = name;
        }

        @Override
        public boolean ndisSetTimerObject(Duration dueTime) {
            boolean wasSet = set;
            set = true;
            return wasSet;
        }

        @Override
        public boolean ndisCancelTimerObject() {
            boolean wasSet = set;
            set = false;
            return wasSet;
        }

        @Override
        public void ndisFreeTimerObject() {
            set = false;
            freed = true;
        }
    }

    @Override
    public Executor dpcExecutor() {
        throw new UnsupportedOperationException();
    }

    // the hardware DDIs: a virtual miniport calls none of them

    @Override
    public NdisStatus ndisMMapIoSpace(org.drvsim.ndis.NdisIoSpace[] virtualAddress, long physicalAddress, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMUnmapIoSpace(org.drvsim.ndis.NdisIoSpace virtualAddress, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <I> NdisStatus ndisMRegisterInterruptEx(I miniportInterruptContext,
                                                   org.drvsim.ndis.NdisMiniportInterruptCharacteristics<I> characteristics,
                                                   org.drvsim.ndis.NdisInterruptHandle[] ndisInterruptHandle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NdisStatus ndisMRegisterScatterGatherDma(org.drvsim.ndis.NdisSgDmaDescription dmaDescription,
                                                    org.drvsim.ndis.NdisDmaHandle[] ndisMiniportDmaHandle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public org.drvsim.ndis.NdisSharedMemory ndisMAllocateSharedMemory(int length, boolean cached) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMFreeSharedMemory(int length, boolean cached, org.drvsim.ndis.NdisSharedMemory virtualAddress,
                                      long physicalAddress) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMIndicateStatusEx(org.drvsim.ndis.NdisStatusIndication statusIndication) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ndisMSleep(long microsecondsToSleep) {
        throw new UnsupportedOperationException();
    }
}
