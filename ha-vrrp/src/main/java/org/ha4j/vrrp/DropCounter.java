package org.ha4j.vrrp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts dropped packets per reason and logs them at a limited rate: the first drop for a reason at
 * once, then at most one line per reason per {@link #LOG_INTERVAL_NANOS}, saying how many were
 * dropped since, so a flood of hostile packets cannot flood the log (RFC 3768 §7.1 "SHOULD log the
 * event").
 */
final class DropCounter {

  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(DropCounter.class);

  private final String instanceName;
  private final Ticker ticker;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sinceLog = new ConcurrentHashMap<>();

  DropCounter(String instanceName, Ticker ticker) {
    this.instanceName = instanceName;
    this.ticker = ticker;
  }

  /**
   * @return whether this drop was logged
   */
  boolean drop(String reason, Ipv4Address source, String detail) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    LongAdder pending = sinceLog.computeIfAbsent(reason, r -> new LongAdder());
    pending.increment();
    long now = ticker.nanoTime();
    AtomicLong last =
        lastLogged.computeIfAbsent(reason, r -> new AtomicLong(now - LOG_INTERVAL_NANOS));
    long previous = last.get();
    if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
      long dropped = pending.sumThenReset();
      log.warn(
          "({}) dropped {} packet(s) {}: {}{} [{} in total for this reason]",
          instanceName,
          dropped,
          source == null ? "" : "from " + source,
          reason,
          detail == null ? "" : " (" + detail + ")",
          counts.get(reason).sum());
      return true;
    }
    return false;
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((reason, count) -> copy.put(reason, count.sum()));
    return copy;
  }
}
