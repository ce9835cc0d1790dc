package org.ha4j.core.linux;

import java.io.Closeable;
import java.time.Duration;
import org.ha4j.core.net.IpAddress;

/**
 * Datagrams the kernel sends at given times on a raw socket, whether or not this process gets to
 * run then (io_uring(7): for every due time and destination an absolute {@code IORING_OP_TIMEOUT}
 * on CLOCK_MONOTONIC linked to an {@code IORING_OP_SENDMSG}). The same socket, so the same source,
 * TTL, TOS and interface as its own sends. Each pair stands alone: a failed send cancels nothing
 * else.
 *
 * <p>Closing the sender, or the process ending, makes the kernel cancel everything still queued. So
 * does the exit of the thread that {@link #submit submitted} them: keep one long-lived thread.
 * While it waits in an interruptible sleep (a lock, a safepoint, {@code Thread.sleep}) the kernel
 * still sends on time; a stopped process (SIGSTOP) sends nothing.
 *
 * <p>Not thread-safe: one thread calls everything but {@link #close()}, which may follow from any
 * thread once that one is done.
 */
public interface ScheduledSender extends Closeable {

  /** Where a send the kernel ran failed. */
  @FunctionalInterface
  interface Failures {

    /**
     * @param destination the index of the datagram in {@link #prepare}, or -1 for the timer before
     *     it (the kernel refused the timeout itself)
     * @param errno what the kernel reported
     */
    void failed(int destination, int errno);
  }

  /**
   * What is sent at every due time: {@code payloads[i]} to {@code destinations[i]}. Only while
   * nothing is {@link #outstanding()}: the kernel reads the bytes when it sends.
   *
   * @throws IllegalStateException if requests are still outstanding
   * @throws IllegalArgumentException if the arrays differ in length, are empty, or an address is of
   *     the other family than the socket
   */
  void prepare(byte[][] payloads, IpAddress[] destinations);

  /** How many more due times {@link #queue} takes before a {@link #submit}. */
  int room();

  /**
   * Queues one send of every prepared datagram at {@code dueNanos} on CLOCK_MONOTONIC (what {@link
   * System#nanoTime()} reads on Linux); {@link #submit} hands it to the kernel. A time already past
   * sends at once.
   *
   * @throws IllegalStateException if nothing is prepared or there is no {@link #room()}
   */
  void queue(long dueNanos);

  /** {@code io_uring_enter(2)}: hands what was queued to the kernel, without waiting. */
  void submit() throws NativeCallException;

  /**
   * Reads the completions the kernel posted, without waiting; each failed send goes to {@code
   * failures} (a cancelled one is no failure).
   *
   * @return how many sends failed
   */
  int reap(Failures failures);

  /**
   * Cancels every queued send ({@code IORING_OP_ASYNC_CANCEL} for all) and waits up to {@code
   * timeout} for the kernel to confirm each one. A send the kernel had already started still goes
   * out: its completion is awaited too, so once this returns true nothing queued goes out any more.
   *
   * @return whether every request completed in time
   */
  boolean cancelAll(Duration timeout, Failures failures) throws NativeCallException;

  /** Requests (timers and sends) the kernel still holds. */
  int outstanding();

  /** Sends the kernel completed successfully since this sender opened. */
  long sent();

  /** Closes the ring: the kernel cancels whatever is still queued. Idempotent. */
  @Override
  void close();
}
