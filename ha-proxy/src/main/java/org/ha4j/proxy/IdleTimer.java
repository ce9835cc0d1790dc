package org.ha4j.proxy;

import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.Scheduler;
import org.ha4j.core.time.Ticker;

/**
 * nginx's {@code proxy_timeout}: ends a session with no byte either way for the idle timeout. One
 * timer per session, re-armed for the time left since the last activity (read through the ticker)
 * rather than on every byte, and cancelled when the session ends so timers never pile up. The
 * checks run where {@link Checks} puts them: the session's event loop in a proxy, a virtual
 * scheduler in a test.
 */
final class IdleTimer {

  /** Runs a session's idle check after a delay on the session's thread. */
  @FunctionalInterface
  interface Checks {
    Scheduler.Timer schedule(Session session, long delayNanos, Runnable check);

    /** On the session's client event loop, in the event loop's time. */
    Checks EVENT_LOOP =
        (session, delayNanos, check) -> {
          Future<?> f =
              session.client.eventLoop().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
          return () -> f.cancel(false);
        };
  }

  /**
   * A session's pending idle check. Private to this nested class: only {@link IdleTimer} arms it.
   */
  static final class Slot {
    private volatile Scheduler.Timer pending;

    /** When the session ends: the check is dropped at once. Any thread. */
    void cancel() {
      Scheduler.Timer p = pending;
      if (p != null) {
        p.cancel();
      }
    }
  }

  private final Ticker ticker;
  private final Checks checks;

  IdleTimer(Ticker ticker, Checks checks) {
    this.ticker = ticker;
    this.checks = checks;
  }

  /** Arms the timer of a session just connected; a zero timeout means none. */
  void start(Session session, Duration idleTimeout) {
    if (!idleTimeout.isZero()) {
      schedule(session, idleTimeout.toNanos(), idleTimeout.toNanos());
    }
  }

  private void schedule(Session session, long timeoutNanos, long delayNanos) {
    session.idle.pending = checks.schedule(session, delayNanos, () -> check(session, timeoutNanos));
    if (session.isFinished()) {
      session.idle
          .cancel(); // ended on another thread (the splice engine) after its cancel() had run
    }
  }

  private void check(Session session, long timeoutNanos) {
    if (session.isFinished()) {
      return;
    }
    long left = timeoutNanos - (ticker.nanoTime() - session.lastActivityNanos());
    if (left <= 0) {
      Proxy.log.debug("{}: connection timed out (idle)", session);
      session.finish(SessionStatus.OK); // nginx logs an idle proxy_timeout as 200
    } else {
      schedule(session, timeoutNanos, left);
    }
  }
}
