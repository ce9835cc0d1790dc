package org.ha4j.vrrp.driver;

import org.ha4j.vrrp.protocol.VrrpState;

/**
 * Port: tells the world about transitions (listeners, keepalived's notify scripts, the log). Called
 * on the driver's thread, after the actions that carry the transition out; must not block.
 */
public interface StateNotifier {

  /** A notifier that tells nobody. */
  StateNotifier NONE = new StateNotifier() {};

  /**
   * @param effectivePriority the priority in the new state (keepalived passes it to notify scripts)
   */
  default void stateChanged(VrrpState from, VrrpState to, String reason, int effectivePriority) {}

  /** A weighted tracked input changed the effective priority. */
  default void priorityChanged(int from, int to, String reason) {}
}
