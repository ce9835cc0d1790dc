package org.ha4j.vrrp.driver;

import java.io.IOException;
import org.ha4j.vrrp.codec.VrrpAdvertisement;

/**
 * Which of a master's adverts are queued in the kernel ({@link AdvertQueue}), and which to queue
 * next: every due time of the {@link AdvertPacer}'s cadence up to the horizon ahead of now, at
 * least one interval. A stall of this JVM shorter than the horizon then leaves no gap on the wire;
 * a JVM stalled longer stops advertising once the queue runs dry, and the backup takes over, as it
 * should.
 *
 * <p>The content of the queued adverts is fixed: whatever would change it (another priority, other
 * addresses, leaving MASTER, the priority-0 resignation) first {@link #cancel}s the queue.
 *
 * <p>Pure bookkeeping over the port: times in, no clock read; on the driver's thread.
 */
final class AdvertHorizon {

  private final AdvertQueue queue;

  /** The content of what the kernel holds; null when nothing is queued. */
  private VrrpAdvertisement queued;

  /** The last due time queued; meaningful while {@link #queued} is set. */
  private long queuedThrough;

  AdvertHorizon(AdvertQueue queue) {
    this.queue = queue;
  }

  boolean enabled() {
    return queue.horizonNanos() > 0;
  }

  /**
   * Whether the advert due about now went out from the kernel: this content is queued and the queue
   * has not run dry (a stall longer than the horizon empties it).
   */
  boolean covers(VrrpAdvertisement advertisement, long nowNanos) {
    return queued != null && queued.equals(advertisement) && queuedThrough - nowNanos >= 0;
  }

  /** Whether {@code advertisement} differs from what is queued (nothing queued: no). */
  boolean conflicts(VrrpAdvertisement advertisement) {
    return queued != null && !queued.equals(advertisement);
  }

  /**
   * Queues {@code advertisement} at every due time {@code nextDueNanos + k * intervalNanos} later
   * than what is queued already, up to {@code max(horizon, 2 x interval)} after {@code nowNanos},
   * as far as the queue has room.
   *
   * @return how many due times were queued
   */
  int refill(VrrpAdvertisement advertisement, long nowNanos, long nextDueNanos, long intervalNanos)
      throws IOException {
    long horizon = queue.horizonNanos();
    if (horizon <= 0) {
      return 0;
    }
    if (queued != null && !queued.equals(advertisement)) {
      cancel();
    }
    long due = nextDueNanos;
    if (queued != null && queuedThrough - due >= 0) {
      // continue after the last queued time on this cadence (re-anchored cadences interleave)
      due += ((queuedThrough - due) / intervalNanos + 1) * intervalNanos;
    }
    // at least two intervals: when the next tick runs, a due time beyond it must still be queued,
    // or covers() would find its advert unqueued and the tick would send it a second time
    long until = nowNanos + Math.max(horizon, 2 * intervalNanos);
    int added = 0;
    int room = queue.room();
    if (due - until > 0 || room == 0) {
      return 0;
    }
    if (queued == null) {
      queue.prepare(advertisement);
    }
    for (; due - until <= 0 && added < room; due += intervalNanos) {
      queue.queue(due);
      queuedThrough = due;
      added++;
    }
    queued = advertisement;
    queue.submit();
    return added;
  }

  /** Withdraws everything queued (bounded wait, see {@link AdvertQueue#cancel()}). */
  void cancel() {
    if (queued != null) {
      queue.cancel();
      queued = null;
    }
  }

  /** Failed kernel sends since the last call. */
  int reap() {
    return queued == null ? 0 : queue.reap();
  }
}
