package org.ha4j.vrrp.driver;

/**
 * When a master's next advert is due. The protocol re-arms the Adver_Timer each time it fires, with
 * the interval counted from that moment; a thread that wakes late (a GC pause, a busy CPU) would so
 * push every later advert back, and the lateness adds up over a run. The pacer keeps adverts on a
 * fixed cadence from the first one instead: late by up to one interval, the next advert is due when
 * it would have been (it catches up); late by more, the overdue advert is sent once and the cadence
 * starts again from now, so a stall never turns into a burst of adverts.
 *
 * <p>Pure: times in, delays out, on the driver's thread.
 */
final class AdvertPacer {

  /** When the advert being sent now was due; meaningful once {@link #started}. */
  private long dueNanos;

  private boolean started;

  /**
   * A fresh cadence: the timer was armed outside its own expiry (on becoming master, or after a
   * priority-0 advert).
   *
   * @return the delay to arm the timer with: {@code intervalNanos}
   */
  long restart(long nowNanos, long intervalNanos) {
    started = true;
    dueNanos = nowNanos + intervalNanos;
    return intervalNanos;
  }

  /**
   * The timer fired and its advert went out at {@code nowNanos}.
   *
   * @return the delay until the next advert is due, never negative and never more than one interval
   */
  long next(long nowNanos, long intervalNanos) {
    if (!started) {
      return restart(nowNanos, intervalNanos);
    }
    long late = nowNanos - dueNanos;
    if (late > intervalNanos) {
      dueNanos = nowNanos + intervalNanos; // re-anchor: one advert for the whole stall
    } else {
      dueNanos += intervalNanos;
      if (dueNanos - nowNanos > intervalNanos) {
        dueNanos = nowNanos + intervalNanos; // woke early: never wait longer than one interval
      }
    }
    return dueNanos - nowNanos;
  }

  /**
   * The timer fired at {@code nowNanos} and the kernel sent the adverts due meanwhile from its
   * queue ({@link AdvertHorizon}): the cadence goes on unchanged, however late this thread woke, so
   * the due times handed to the kernel next continue the ones it holds (a re-anchored cadence would
   * interleave with them: an extra advert at every late wake-up).
   *
   * @return the delay until the next due time after {@code nowNanos}
   */
  long keep(long nowNanos, long intervalNanos) {
    if (!started) {
      return restart(nowNanos, intervalNanos);
    }
    dueNanos += intervalNanos;
    if (dueNanos - nowNanos <= 0) {
      dueNanos += ((nowNanos - dueNanos) / intervalNanos + 1) * intervalNanos;
    }
    return dueNanos - nowNanos;
  }

  /** The cadence ends (the timer was cancelled: no longer master). */
  void stop() {
    started = false;
  }
}
