package org.ha4j.core.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on one real daemon thread with the JVM's monotonic clock.
 *
 * <p>A task that throws is logged and does not stop later tasks. Closing discards tasks that have
 * not started and waits briefly for the running one.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SystemScheduler.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  /**
   * @param threadName the name of the one thread, shown in thread dumps
   */
  public SystemScheduler(String threadName) {
    Objects.requireNonNull(threadName, "threadName");
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, threadName);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    // Cancelled timers are frequent (every received advert re-arms one): drop them at once.
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(guarded(task));
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> future =
        executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** True when called from this scheduler's own thread. */
  public boolean inSchedulerThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    if (!inSchedulerThread()) {
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Runnable guarded(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("scheduled task {} failed", task, e);
      }
    };
  }
}
