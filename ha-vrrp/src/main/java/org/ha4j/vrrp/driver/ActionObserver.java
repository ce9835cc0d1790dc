package org.ha4j.vrrp.driver;

import java.util.List;
import org.ha4j.vrrp.protocol.VrrpAction;

/**
 * Watches the driver interpret the state machine: tracing, or a simulation checking invariants at
 * the instant a transition is decided. Not a port: it performs nothing. Called on the driver's
 * thread; must not throw or feed the driver.
 */
public interface ActionObserver {

  /** Observes nothing. */
  ActionObserver NONE = new ActionObserver() {};

  /** The state machine returned {@code actions} for one input; none has been performed yet. */
  default void decided(long nowNanos, List<VrrpAction> actions) {}

  /** {@code action} is about to be performed. */
  default void performing(long nowNanos, VrrpAction action) {}
}
