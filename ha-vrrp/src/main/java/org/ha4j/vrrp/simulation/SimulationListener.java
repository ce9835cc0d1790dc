package org.ha4j.vrrp.simulation;

import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpAction;

/**
 * Hears what happens on a {@link VirtualLan}. All methods default to doing nothing. They are called
 * on the thread driving the simulation, in event order, before the invariants are checked; they
 * must not throw, and must not drive the simulation themselves (call no {@code run*}, {@code
 * start}, ... from here).
 */
public interface SimulationListener {

  /**
   * {@code router} performed {@code action} (every action its state machine returned, in order).
   */
  default void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {}

  /** An advertisement from {@code from} reached {@code to}. */
  default void onDelivery(
      long nowNanos, SimulatedRouter from, SimulatedRouter to, VrrpAdvertisement advertisement) {}

  /**
   * An advertisement from {@code from} to {@code to} was lost; {@code why} is "loss" or
   * "partition".
   */
  default void onDrop(long nowNanos, SimulatedRouter from, SimulatedRouter to, String why) {}

  /**
   * Something done to the LAN or a router from outside: "LB1 crashes", "partition [LB1] | [LB2]".
   */
  default void onNote(long nowNanos, String text) {}
}
