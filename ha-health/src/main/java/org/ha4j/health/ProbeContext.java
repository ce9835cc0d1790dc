package org.ha4j.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.ha4j.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one run of a probe may use: its time budget, the shared scheduler for timers, the bounded
 * executor for blocking work, and a cancellation signal. The scheduler creates one per run; tests
 * of a single probe create one with {@link #of}.
 *
 * <p>Thread-safe. {@link #onCancel} actions run once, on the thread that calls {@link #cancel()},
 * or at once if the context is already cancelled; they must not block.
 */
public final class ProbeContext {

  private static final Logger log = LoggerFactory.getLogger(ProbeContext.class);

  private final Duration timeout;
  private final Scheduler scheduler;
  private final Executor blockingExecutor;
  private final List<Runnable> cancelActions = new ArrayList<>();
  private boolean cancelled;

  private ProbeContext(Duration timeout, Scheduler scheduler, Executor blockingExecutor) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
  }

  public static ProbeContext of(Duration timeout, Scheduler scheduler, Executor blockingExecutor) {
    return new ProbeContext(timeout, scheduler, blockingExecutor);
  }

  /** How long this run may take before the scheduler counts it as failed and cancels it. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The shared scheduler: for timers (e.g. SIGKILL two seconds after SIGTERM), never for blocking
   * work.
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The bounded executor for work that blocks (connect, read a pipe, scan /proc). */
  public Executor blockingExecutor() {
    return blockingExecutor;
  }

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Registers what to do when the run is cancelled; runs it now if that already happened. */
  public void onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    synchronized (this) {
      if (!cancelled) {
        cancelActions.add(action);
        return;
      }
    }
    runQuietly(action);
  }

  /** Asks the probe to stop; the first call runs the registered actions, later calls do nothing. */
  public void cancel() {
    List<Runnable> actions;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      actions = List.copyOf(cancelActions);
      cancelActions.clear();
    }
    actions.forEach(ProbeContext::runQuietly);
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("probe cancel action {} failed", action, e);
    }
  }
}
