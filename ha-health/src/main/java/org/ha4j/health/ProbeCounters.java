package org.ha4j.health;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts behind {@link ProbeStats}: written by a probe's runner on the scheduler thread, read
 * from any thread.
 */
final class ProbeCounters {

  private final LongAdder successes = new LongAdder();
  private final Map<ProbeFailure, LongAdder> failures = new EnumMap<>(ProbeFailure.class);
  private final LongAdder timedRuns = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();

  ProbeCounters() {
    for (ProbeFailure reason : ProbeFailure.values()) {
      failures.put(reason, new LongAdder());
    }
  }

  /** A run ended after {@code nanos}: healthy when {@code failure} is null. */
  void run(ProbeFailure failure, long nanos) {
    timedRuns.increment();
    latencyNanos.add(nanos);
    result(failure);
  }

  /** A result that is not a run of its own (a tick that found the last run still running). */
  void result(ProbeFailure failure) {
    if (failure == null) {
      successes.increment();
    } else {
      failures.get(failure).increment();
    }
  }

  ProbeStats snapshot() {
    Map<ProbeFailure, Long> failed = new EnumMap<>(ProbeFailure.class);
    failures.forEach((reason, count) -> failed.put(reason, count.sum()));
    return new ProbeStats(successes.sum(), failed, timedRuns.sum(), latencyNanos.sum());
  }
}
