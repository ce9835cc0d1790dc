package org.ha4j.vrrp.protocol;

/** The states of a virtual router: the three of RFC 3768 §6.4 plus keepalived's FAULT. */
public enum VrrpState {
  /** RFC 3768 §6.4.1: not started, or stopped. Ignores advertisements and timers. */
  INITIALIZE,
  /** RFC 3768 §6.4.2: watching the Master, ready to take over when its advertisements stop. */
  BACKUP,
  /** RFC 3768 §6.4.3: owns the virtual addresses and advertises every Advertisement_Interval. */
  MASTER,
  /**
   * keepalived's FAULT: the interface is down, or a tracked input with weight 0 is down. The router
   * neither advertises nor competes, and ignores advertisements (keepalived's dispatcher drops them
   * in FAULT); it leaves FAULT for BACKUP (an owner: MASTER) once every such input is up again.
   */
  FAULT
}
