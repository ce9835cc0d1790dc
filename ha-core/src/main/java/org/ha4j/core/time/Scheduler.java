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
}
