package org.ha4j.proxy.balance;

/**
 * {@code least_time connect | first_byte | last_byte} (open source since nginx 1.31.0, {@code
 * ngx_stream_upstream_least_time_module.c}): like least_conn, but the load of a server is {@code
 * eta = rt * (1 + conns)}, where rt is its smoothed response time ({@link
 * PeerGroup#recordResponseTime}), halved for every {@code fail_timeout + 1} it has been idle ("give
 * chances to slow peers"), capped at 5000 ms and otherwise rounded up to 20 ms steps so servers
 * with close times share by round robin. Ties go to SWRR. nginx's {@code inflight} modifier is not
 * supported.
 */
final class LeastTime implements BalancingStrategy {

  enum Metric {
    CONNECT,
    FIRST_BYTE,
    LAST_BYTE
  }

  static final long CAP_MS = 5000;
  static final long BUCKET_MS = 20;

  private final Metric metric;

  LeastTime(Metric metric) {
    this.metric = metric;
  }

  Metric metric() {
    return metric;
  }

  @Override
  public String directive() {
    return "least_time " + metric.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public boolean acceptsBackup() {
    return true;
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    return LeastTime::pick;
  }

  static long eta(Peer peer, long now) {
    long rt = peer.responseTimeMs;
    long idle = Peer.since(now, peer.checked);
    long failTimeout = peer.failTimeoutNanos();
    if (idle != Long.MAX_VALUE && idle > failTimeout) {
      long shift = idle / (failTimeout + 1_000_000_000L);
      rt = shift >= 63 ? 0 : rt >> shift;
    }
    if (rt > CAP_MS) {
      rt = CAP_MS;
    } else {
      rt = (rt + BUCKET_MS - 1) / BUCKET_MS * BUCKET_MS;
    }
    return rt * (1 + peer.conns);
  }

  static Peer pick(Attempt attempt, long now) {
    if (attempt.list.single) {
      return RoundRobin.pick(attempt, now);
    }
    while (true) {
      Peer peer = LeastConn.leastLoaded(attempt, attempt.list, now, true);
      if (peer != null) {
        peer.addConn();
        attempt.current = peer;
        return peer;
      }
      if (!attempt.switchToBackup()) {
        return null;
      }
    }
  }
}
