package org.ha4j.health;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled probe's counters since it started, for monitoring.
 *
 * @param successes runs that found the checked thing healthy
 * @param failures failed runs by reason; every reason is present, 0 when it never happened
 * @param timedRuns runs that finished or timed out: the ones {@code latencyNanos} sums (a tick
 *     skipped as {@link ProbeFailure#STILL_RUNNING} is not a run of its own)
 * @param latencyNanos how long those runs took, in total
 */
public record ProbeStats(
    long successes, Map<ProbeFailure, Long> failures, long timedRuns, long latencyNanos) {

  public ProbeStats {
    Map<ProbeFailure, Long> all = new EnumMap<>(ProbeFailure.class);
    for (ProbeFailure reason : ProbeFailure.values()) {
      all.put(reason, failures.getOrDefault(reason, 0L));
    }
    failures = Map.copyOf(all);
  }

  /** Failed runs for {@code reason}. */
  public long failures(ProbeFailure reason) {
    return failures.get(reason);
  }

  /** The mean latency of the timed runs in milliseconds, 0 before the first. */
  public double meanLatencyMillis() {
    return timedRuns == 0
        ? 0
        : (double) latencyNanos / timedRuns / TimeUnit.MILLISECONDS.toNanos(1);
  }
}
