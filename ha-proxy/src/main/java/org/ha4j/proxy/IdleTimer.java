package org.ha4j.proxy;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.Ticker;

/**
 * nginx's {@code proxy_timeout}: ends a session with no byte either way for the idle timeout. One timer per
 * session on its event loop, re-armed for the time left since the last activity (read through the ticker)
 * rather than on every byte, and cancelled when the session ends so timers never pile up.
 */
final class IdleTimer {

    /** A session's pending idle check. Private to this nested class: only {@link IdleTimer} arms it. */
    static final class Slot {
        private volatile Future<?> pending;

        /** When the session ends: the check is dropped from its event loop at once. Any thread. */
        void cancel() {
            Future<?> p = pending;
            if (p != null) {
                p.cancel(false);
            }
        }
    }

    private final Ticker ticker;

    IdleTimer(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Arms the timer of a session just connected; a zero timeout means none. */
    void start(Session session, Duration idleTimeout) {
        if (!idleTimeout.isZero()) {
            schedule(session, idleTimeout.toNanos(), idleTimeout.toNanos());
        }
    }

    private void schedule(Session session, long timeoutNanos, long delayNanos) {
        session.idle.pending = session.client.eventLoop().schedule(() -> check(session, timeoutNanos),
                delayNanos, TimeUnit.NANOSECONDS);
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
