package org.ha4j.vrrp.protocol;

/**
 * The timers a {@link VrrpStateMachine} asks its caller to run. At most one of each kind is armed
 * at a time: arming a kind again replaces the earlier one.
 */
public enum VrrpTimer {
  /** RFC 3768 §6.2 Master_Down_Timer: runs only in BACKUP. */
  MASTER_DOWN,
  /** RFC 3768 §6.2 Adver_Timer: runs only in MASTER. */
  ADVERTISEMENT,
  /**
   * keepalived's {@code garp_master_delay}: the second burst of gratuitous ARPs after becoming
   * MASTER.
   */
  GARP_SECOND_BURST,
  /**
   * keepalived's {@code garp_master_refresh}: periodic gratuitous ARPs while MASTER (off by
   * default).
   */
  GARP_REFRESH
}
