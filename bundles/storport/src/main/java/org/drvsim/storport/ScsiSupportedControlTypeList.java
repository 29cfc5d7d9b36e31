package org.drvsim.storport;

/**
 * SCSI_SUPPORTED_CONTROL_TYPE_LIST, the parameter of ScsiQuerySupportedControlTypes: the miniport sets
 * {@code supportedTypeList[t] = true} for each type it handles, never at an index at or above {@link
 * #maxControlType} (spec/storport-lifecycle.md section 2.3). Every entry starts false.
 */
public final class ScsiSupportedControlTypeList {
    /** MaxControlType: the number of entries the miniport may write. */
    public final int maxControlType;
    /** SupportedTypeList, indexed by {@link ScsiAdapterControlType#ordinal()}. */
    public final boolean[] supportedTypeList;

    public ScsiSupportedControlTypeList(int maxControlType) {
        this.maxControlType = maxControlType;
        this.supportedTypeList = new boolean[maxControlType];
    }

    /** Marks {@code type} supported; ignored when its index is at or above MaxControlType. */
    public void support(ScsiAdapterControlType type) {
        if (type.ordinal() < maxControlType) {
            supportedTypeList[type.ordinal()] = true;
        }
    }

    /** @return whether the miniport marked {@code type} supported */
    public boolean supports(ScsiAdapterControlType type) {
        return type.ordinal() < maxControlType && supportedTypeList[type.ordinal()];
    }
}
