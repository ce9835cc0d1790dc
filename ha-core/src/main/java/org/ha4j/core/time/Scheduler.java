package org.ha4j.core.time;

import java.time.Duration;

/**
 * Runs tasks one at a time, now or after a delay, and tells the time those delays are measured in.
 *
 * <p>Every implementation runs its tasks sequentially on a single logical thread, so code driven by
 * a scheduler needs no locks of its own. {@link SystemScheduler} does this on a real thread with
 * the real clock; {@link VirtualScheduler} does it on the caller's thread in virtual time.
 */
public interface Scheduler extends Ticker {

  /** Runs {@code task} as soon as possible, after tasks already submitted. */
  void execute(Runnable task);

  /** Runs {@code task} once {@code delay} has passed on this scheduler's clock. */
  Timer schedule(Duration delay, Runnable task);

  /**
   * A timer for {@code task} that is armed again and again, each {@link RearmableTimer#arm}
   * replacing the arming before. The default schedules a new task per arming; a scheduler that runs
   * a steady cadence (one advert per interval) overrides it to re-arm without allocating.
   */
  default RearmableTimer timer(Runnable task) {
    return new SchedulingRearmableTimer(this, task);
  }

  /** A scheduled task that has not run yet. */
  @FunctionalInterface
  interface Timer {
    /**
     * Prevents the task from running if it has not started yet.
     *
     * @return true if this call stopped it, false if it had already run or been cancelled
     */
    boolean cancel();
  }

  /** See {@link Scheduler#timer(Runnable)}; {@link #cancel()} stops the current arming. */
  interface RearmableTimer extends Timer {
    /** Runs the task once {@code delayNanos} has passed, instead of when armed before. */
    void arm(long delayNanos);
  }
}
