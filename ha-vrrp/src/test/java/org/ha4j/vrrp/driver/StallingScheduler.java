package org.ha4j.vrrp.driver;

import java.time.Duration;
import org.ha4j.core.time.Scheduler;
import org.ha4j.core.time.VirtualScheduler;

/**
 * A {@link VirtualScheduler} whose next armed timer can be made to fire late, as a GC pause, a
 * safepoint or a saturated CPU would hold up the driver's thread.
 */
final class StallingScheduler implements Scheduler {

  private final VirtualScheduler clock;
  private long lateness;

  StallingScheduler(VirtualScheduler clock) {
    this.clock = clock;
  }

  /** The next timer armed fires {@code nanos} late; once. */
  void delayNextTimer(long nanos) {
    lateness = nanos;
  }

  @Override
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public void execute(Runnable task) {
    clock.execute(task);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    long extra = lateness;
    lateness = 0;
    return clock.schedule(delay.plusNanos(extra), task);
  }
}
