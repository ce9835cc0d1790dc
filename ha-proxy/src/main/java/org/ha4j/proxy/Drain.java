package org.ha4j.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The sessions in progress, and the end of them when the proxy stops: once draining, new sessions
 * are refused (503) and {@link #drain} waits for the rest to end up to a timeout, then closes them.
 * Any thread.
 */
final class Drain {

  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Object ended = new Object();
  private volatile boolean draining;

  void enter(Session session) {
    sessions.add(session);
  }

  void leave(Session session) {
    sessions.remove(session);
    synchronized (ended) {
      ended.notifyAll();
    }
  }

  /** Whether new sessions are refused. */
  boolean draining() {
    return draining;
  }

  void stopAdmitting() {
    draining = true;
  }

  /**
   * Waits until every session has ended or {@code timeout} has passed, then ends the rest with
   * status 200 (as nginx's graceful shutdown does). The wait is in wall-clock time: it bounds how
   * long a caller's stop() blocks.
   */
  void drain(Duration timeout) {
    stopAdmitting();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ended) {
      while (!sessions.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          ended.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!sessions.isEmpty()) {
      Proxy.log.info("drain timeout: closing {} sessions", sessions.size());
      for (Session s : List.copyOf(sessions)) {
        s.finish(SessionStatus.OK);
      }
    }
  }

  /** Whether a session in progress matches {@code which}. */
  boolean any(Predicate<Session> which) {
    for (Session s : sessions) {
      if (which.test(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the sessions in progress that match {@code which} with status 200, as {@link #drain} ends
   * those left at its timeout.
   */
  void finish(Predicate<Session> which) {
    for (Session s : List.copyOf(sessions)) {
      if (which.test(s)) {
        s.finish(SessionStatus.OK);
      }
    }
  }

  int size() {
    return sessions.size();
  }

  /** Bytes read from one side of a session and not yet handed to the other, over all sessions. */
  long bufferedBytes() {
    long total = 0;
    for (Session s : sessions) {
      total += s.buffered.get();
    }
    return total;
  }
}
