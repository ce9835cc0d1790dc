package org.ha4j.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.ha4j.core.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the proxy's expected faults and logs them at a limited rate: the first of a kind at once,
 * then at most one line per kind per {@link #LOG_INTERVAL_NANOS}, saying how many happened since,
 * so a backend refusing thousands of connects a second, or an accept loop out of descriptors,
 * cannot flood the log. Any thread.
 */
final class FaultLog {

  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);

  private final Ticker ticker;
  private final Map<ProxyFault, Kind> kinds = new EnumMap<>(ProxyFault.class);

  private static final class Kind {
    final LongAdder total = new LongAdder();
    final LongAdder sinceLogged = new LongAdder();
    final AtomicLong lastLogged;

    Kind(long now) {
      lastLogged = new AtomicLong(now - LOG_INTERVAL_NANOS);
    }
  }

  FaultLog(Ticker ticker) {
    this.ticker = ticker;
    long now = ticker.nanoTime();
    for (ProxyFault fault : ProxyFault.values()) {
      kinds.put(fault, new Kind(now));
    }
  }

  /**
   * Counts one {@code fault}; logs it with {@code detail} unless its kind was logged within the
   * interval.
   *
   * @return whether this one was logged
   */
  boolean report(ProxyFault fault, String detail) {
    Kind kind = kinds.get(fault);
    kind.total.increment();
    kind.sinceLogged.increment();
    long now = ticker.nanoTime();
    long previous = kind.lastLogged.get();
    if (now - previous >= LOG_INTERVAL_NANOS && kind.lastLogged.compareAndSet(previous, now)) {
      long since = kind.sinceLogged.sumThenReset();
      log.warn(
          "{}: {} [{} since the last such line, {} in total; at most one line per {} s]",
          fault.description(),
          detail,
          since,
          kind.total.sum(),
          LOG_INTERVAL_NANOS / 1_000_000_000L);
      return true;
    }
    return false;
  }

  long count(ProxyFault fault) {
    return kinds.get(fault).total.sum();
  }

  Map<ProxyFault, Long> snapshot() {
    Map<ProxyFault, Long> out = new EnumMap<>(ProxyFault.class);
    kinds.forEach((fault, kind) -> out.put(fault, kind.total.sum()));
    return out;
  }

  /**
   * The message of {@code cause} without its stack: the condition is expected, its trace says
   * nothing.
   */
  /**
   * The I/O error behind {@code cause}, or null when it is not one. Netty's epoll channel wraps the
   * errno of a failed {@code epoll_ctl} in an {@link java.io.UncheckedIOException}, for instance
   * when a read is asked of a socket whose peer has just reset it; that is the peer's fault, not a
   * bug.
   */
  static java.io.IOException ioCause(Throwable cause) {
    if (cause instanceof java.io.IOException io) {
      return io;
    }
    if (cause instanceof java.io.UncheckedIOException unchecked) {
      return unchecked.getCause();
    }
    return null;
  }

  static String reason(Throwable cause) {
    if (cause == null) {
      return "cancelled";
    }
    if (cause instanceof io.netty.channel.ChannelException && cause.getCause() != null) {
      cause = cause.getCause(); // Netty's wrapper of the errno that failed socket()
    }
    String message = cause.getMessage();
    return message != null ? message : cause.getClass().getSimpleName();
  }
}
