package org.drvsim.kernel;

/**
 * The system power states the simulation reaches, by their SYSTEM_POWER_STATE names ("SYSTEM_POWER_STATE enumeration
 * (wdm.h)"): working (S0), sleeping (S3), hibernating (S4) and shut down (S5).
 */
public enum SystemPowerState {
    /** S0: running. */
    PowerSystemWorking,
    /** S3: sleep; devices go to D3 and come back to D0 on wake. */
    PowerSystemSleeping3,
    /** S4: hibernate; devices go to D3 and come back to D0 on wake. */
    PowerSystemHibernate,
    /** S5: shut down; devices power off and no driver routine runs after. */
    PowerSystemShutdown
}
