package org.ha4j.node;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.time.Scheduler;

/**
 * A node wrapped for systemd ({@link SystemdNotifier#supervise}): READY after the node has started,
 * the watchdog from then until stop, STOPPING before the node's own stop order. The watchdog's
 * scheduler exists only while the node runs with a watchdog, and it is gone before STOPPING is
 * sent, so no WATCHDOG=1 can follow STOPPING=1.
 *
 * @param <S> the scheduler the watchdog ticks on: a real thread, or virtual time in tests
 */
final class SystemdSupervision<S extends Scheduler> implements Lifecycle {

  private final Lifecycle node;
  private final SystemdNotifier notifier;
  private final Supplier<S> schedulers;
  private final Consumer<S> closer;
  private S scheduler;
  private Scheduler.Timer nextTick;
  private boolean ticking;
  private boolean stopping;

  SystemdSupervision(
      Lifecycle node, SystemdNotifier notifier, Supplier<S> schedulers, Consumer<S> closer) {
    this.node = node;
    this.notifier = notifier;
    this.schedulers = schedulers;
    this.closer = closer;
  }

  /** Starts the node; only when that returned is systemd told READY=1 and the watchdog started. */
  @Override
  public void start() throws Exception {
    node.start();
    notifier.ready();
    Optional<Duration> interval = notifier.watchdogInterval();
    if (interval.isPresent()) {
      startWatchdog(interval.get());
    }
  }

  /**
   * Ends the watchdog, sends STOPPING=1, then stops the node. A second call (a signal handler and a
   * finally block both stopping) passes on to the node's own idempotent stop and sends nothing.
   */
  @Override
  public void stop() {
    synchronized (this) {
      if (stopping) {
        node.stop();
        return;
      }
      stopping = true;
    }
    stopWatchdog();
    notifier.stopping();
    node.stop();
  }

  private void startWatchdog(Duration interval) {
    S created = schedulers.get();
    synchronized (this) {
      scheduler = created;
      ticking = true;
      nextTick = scheduler.schedule(interval, () -> tick(interval));
    }
  }

  private void tick(Duration interval) {
    synchronized (this) {
      if (!ticking) {
        return;
      }
    }
    notifier.watchdog();
    synchronized (this) {
      if (ticking) {
        nextTick = scheduler.schedule(interval, () -> tick(interval));
      }
    }
  }

  private void stopWatchdog() {
    S owned;
    synchronized (this) {
      ticking = false;
      if (nextTick != null) {
        nextTick.cancel();
        nextTick = null;
      }
      owned = scheduler;
      scheduler = null;
    }
    if (owned != null) {
      // waits for a tick in flight, so its WATCHDOG=1 goes out before STOPPING=1, never after
      closer.accept(owned);
    }
  }

  @Override
  public String toString() {
    return node + " (systemd notify)";
  }
}
