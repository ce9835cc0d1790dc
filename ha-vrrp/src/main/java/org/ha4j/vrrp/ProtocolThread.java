package org.ha4j.vrrp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's protocol thread: a {@link Scheduler} on one real daemon thread with the JVM's
 * monotonic clock, like ha-core's {@code SystemScheduler}, except that {@link #execute} allocates
 * nothing. The receiver thread hands every advert over through it, so an executor that wraps each
 * task in a future of its own would allocate per advert on both threads; here a task waits in a
 * queue that only grows, and the thread parks and is unparked without allocating.
 *
 * <p>Tasks run one at a time in the order they were handed over; a task handed over is run before a
 * timer that fell due meanwhile, so an advert already read is heard before a Master_Down_Timer that
 * expired while it waited. A task that throws is logged and does not stop later tasks. Closing
 * discards what has not started, interrupts the running task and waits briefly for it.
 */
final class ProtocolThread implements Scheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProtocolThread.class);
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Object lock = new Object();
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>(64);
  private final PriorityQueue<Due> timers = new PriorityQueue<>();
  private final Thread thread;
  private long sequence;
  private volatile boolean closed;

  ProtocolThread(String threadName) {
    Objects.requireNonNull(threadName, "threadName");
    this.thread = new Thread(this::runTasks, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /**
   * @throws RejectedExecutionException once closed, as an executor that was shut down does
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      rejectIfClosed();
      ready.addLast(task);
    }
    LockSupport.unpark(thread);
  }

  /**
   * @throws RejectedExecutionException once closed
   */
  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Due timer = new Due(task);
    timer.arm(delay.toNanos());
    return timer;
  }

  /** Re-arming moves the one entry in place: a steady cadence allocates nothing. */
  @Override
  public RearmableTimer timer(Runnable task) {
    return new Due(task);
  }

  /** True when called from this scheduler's own thread. */
  boolean inSchedulerThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      ready.clear();
      timers.clear();
    }
    if (!inSchedulerThread()) {
      thread.interrupt(); // as an executor's shutdownNow does: a waiting task gives up
      try {
        thread.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void rejectIfClosed() {
    if (closed) {
      throw new RejectedExecutionException(thread.getName() + " is closed");
    }
  }

  private void runTasks() {
    while (!closed) {
      Runnable next;
      long waitNanos = 0;
      synchronized (lock) {
        next = ready.pollFirst();
        if (next == null) {
          Due head = timers.peek();
          if (head == null) {
            waitNanos = Long.MAX_VALUE;
          } else {
            waitNanos = head.dueNanos - nanoTime();
            if (waitNanos <= 0) {
              next = timers.poll().task;
            }
          }
        }
      }
      if (next != null) {
        run(next);
      } else if (waitNanos == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, waitNanos);
      }
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.error("scheduled task {} failed", task, e);
    }
  }

  /** One task's timer: by due time, then in the order armed. */
  private final class Due implements RearmableTimer, Comparable<Due> {
    final Runnable task;
    long dueNanos; // guarded by lock
    long order; // guarded by lock

    Due(Runnable task) {
      this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * @throws RejectedExecutionException once closed
     */
    @Override
    public void arm(long delayNanos) {
      long due = nanoTime() + delayNanos;
      synchronized (lock) {
        rejectIfClosed();
        timers.remove(this);
        dueNanos = due;
        order = sequence++;
        timers.add(this);
      }
      LockSupport.unpark(thread);
    }

    @Override
    public boolean cancel() {
      synchronized (lock) {
        return timers.remove(this);
      }
    }

    @Override
    public int compareTo(Due other) {
      int byTime = Long.compare(dueNanos - other.dueNanos, 0);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }
  }
}
