package org.ha4j.core.time;

import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} in virtual time: nothing runs until the owner advances the clock, and then
 * tasks run on the caller's thread in order of due time, ties in order of submission. The same
 * inputs always give the same run, which is what makes the simulation and every timer test
 * deterministic.
 *
 * <p>It lives in main code, not only in tests, because {@code ha4j simulate} and the demo's
 * unprivileged fallback run the protocol in virtual time too. Not thread-safe: drive it from one
 * thread.
 */
public final class VirtualScheduler implements Scheduler {

  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** Starts at virtual time zero. */
  public VirtualScheduler() {
    this(0);
  }

  public VirtualScheduler(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Virtual time elapsed since zero. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  @Override
  public void execute(Runnable task) {
    enqueue(now, task);
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0, got " + delay);
    }
    return enqueue(now + delay.toNanos(), task);
  }

  /**
   * Runs every task due at or before {@code now + duration}, then sets the clock to that instant.
   */
  public void advanceBy(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot go back in time: " + duration);
    }
    advanceTo(now + duration.toNanos());
  }

  /** Runs every task due at or before {@code deadlineNanos}, then sets the clock to it. */
  public void advanceTo(long deadlineNanos) {
    while (runNextDueBy(deadlineNanos)) {
      // keep going: tasks may schedule more tasks inside the window
    }
    now = Math.max(now, deadlineNanos);
  }

  /** Runs the tasks that are due now (zero-delay work), without moving the clock. */
  public void runDue() {
    advanceTo(now);
  }

  /**
   * Jumps to the next pending task and runs it (and any others due at that instant).
   *
   * @return false if nothing was pending
   */
  public boolean runNext() {
    Entry next = peekLive();
    if (next == null) {
      return false;
    }
    advanceTo(next.due);
    return true;
  }

  /** The due time of the next pending task, or {@code Long.MAX_VALUE} if there is none. */
  public long nextDueNanos() {
    Entry next = peekLive();
    return next == null ? Long.MAX_VALUE : next.due;
  }

  /** The number of tasks waiting to run. */
  public int pendingTasks() {
    int live = 0;
    for (Entry e : queue) {
      if (!e.cancelled) {
        live++;
      }
    }
    return live;
  }

  private boolean runNextDueBy(long deadline) {
    Entry next = peekLive();
    if (next == null || next.due > deadline) {
      return false;
    }
    queue.poll();
    now = Math.max(now, next.due);
    next.cancelled = true; // a timer that ran can no longer be cancelled
    next.task.run();
    return true;
  }

  private Entry peekLive() {
    Entry head = queue.peek();
    while (head != null && head.cancelled) {
      queue.poll();
      head = queue.peek();
    }
    return head;
  }

  private Entry enqueue(long due, Runnable task) {
    Entry entry = new Entry(due, sequence++, Objects.requireNonNull(task, "task"));
    queue.add(entry);
    return entry;
  }

  private static final class Entry implements Comparable<Entry>, Timer {
    final long due;
    final long order;
    final Runnable task;
    boolean cancelled;

    Entry(long due, long order, Runnable task) {
      this.due = due;
      this.order = order;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      boolean wasLive = !cancelled;
      cancelled = true;
      return wasLive;
    }

    @Override
    public int compareTo(Entry other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }
}
