package org.ha4j.vrrp.driver;

import org.ha4j.vrrp.protocol.VrrpSnapshot;

/**
 * Port: the sync group a router belongs to (keepalived's {@code vrrp_sync_group}), which decides
 * whether a backup may take over now and hears every change of the router's state. Called on the
 * driver's thread; must not block and must not call back into the driver (post work to the driver's
 * scheduler instead).
 */
public interface SyncGroupPort {

  /** A router in no group: takes over whenever its protocol says so. */
  SyncGroupPort NONE = new SyncGroupPort() {};

  /**
   * The Master_Down_Timer ran out in BACKUP: may the router become MASTER now? On {@code false} the
   * driver holds the takeover until {@code release} runs (on the driver's thread) or the protocol
   * re-arms or cancels that timer, which it reports with {@link #takeOverWithdrawn()}. keepalived
   * holds a member in BACKUP the same way until every member wants MASTER (vrrp_sync.c,
   * vrrp_sync_can_goto_master).
   */
  default boolean mayTakeOver(Runnable release) {
    return true;
  }

  /**
   * A held takeover is no longer wanted: an advert re-armed the timer, or the router left BACKUP.
   */
  default void takeOverWithdrawn() {}

  /**
   * The router's snapshot after an input changed it (state, priority, tracked inputs, interface).
   */
  default void changed(VrrpSnapshot before, VrrpSnapshot after) {}
}
