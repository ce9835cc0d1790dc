package org.ha4j.vrrp.driver;

import java.io.IOException;
import org.ha4j.vrrp.codec.VrrpAdvertisement;

/**
 * Port: a master's coming adverts handed to the kernel ahead of time, so they go out on time while
 * this JVM cannot run (a safepoint that is slow to begin, a starved CPU). The driver keeps it
 * filled up to {@link #horizonNanos()} ahead through {@link AdvertHorizon}; {@link #NONE} leaves
 * every advert to the driver's thread. Times are the scheduler's clock, which on Linux is
 * CLOCK_MONOTONIC.
 *
 * <p>Called on the driver's thread only; no method may block longer than a bounded cancel.
 */
public interface AdvertQueue {

  /** No queue: every advert is sent by the driver's thread when its timer fires. */
  AdvertQueue NONE =
      new AdvertQueue() {
        @Override
        public long horizonNanos() {
          return 0;
        }

        @Override
        public int room() {
          return 0;
        }

        @Override
        public void prepare(VrrpAdvertisement advertisement) {
          throw new IllegalStateException("no advert queue");
        }

        @Override
        public void queue(long dueNanos) {
          throw new IllegalStateException("no advert queue");
        }

        @Override
        public void submit() {}

        @Override
        public int reap() {
          return 0;
        }

        @Override
        public void cancel() {}
      };

  /** How far ahead adverts are kept queued; 0 when there is no queue (or it failed). */
  long horizonNanos();

  /** How many more due times {@link #queue} takes now. */
  int room();

  /** What the following {@link #queue} calls send; only with nothing queued. */
  void prepare(VrrpAdvertisement advertisement);

  /** One advert of the prepared content at {@code dueNanos}, handed over by {@link #submit}. */
  void queue(long dueNanos);

  /** Hands what was queued to the kernel. */
  void submit() throws IOException;

  /**
   * Reads what the kernel completed, without waiting; each failed send is logged by the queue.
   *
   * @return how many sends failed since the last call
   */
  int reap();

  /**
   * Withdraws every queued advert and waits (bounded) until the kernel confirmed it, so nothing
   * queued goes out after this returns. If the kernel does not confirm in time the queue closes
   * itself (the kernel then drops everything) and reports a {@link #horizonNanos()} of 0 from then
   * on.
   */
  void cancel();
}
