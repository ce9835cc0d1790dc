package org.ha4j.core.time;

import java.time.Duration;
import java.util.Objects;

/** {@link Scheduler#timer(Runnable)} for any scheduler: each arming is a new scheduled task. */
final class SchedulingRearmableTimer implements Scheduler.RearmableTimer {

  private final Scheduler scheduler;
  private final Runnable task;
  private Scheduler.Timer current;

  SchedulingRearmableTimer(Scheduler scheduler, Runnable task) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.task = Objects.requireNonNull(task, "task");
  }

  @Override
  public void arm(long delayNanos) {
    cancel();
    current = scheduler.schedule(Duration.ofNanos(delayNanos), task);
  }

  @Override
  public boolean cancel() {
    Scheduler.Timer armed = current;
    current = null;
    return armed != null && armed.cancel();
  }
}
