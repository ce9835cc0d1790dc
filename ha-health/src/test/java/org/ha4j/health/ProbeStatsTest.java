package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.ha4j.core.time.VirtualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a scheduled probe counts for monitoring: results by reason and the latency of its runs (real
 * TCP probes are counted in ha-node's HealthMetricsTest).
 */
@Timeout(60)
class ProbeStatsTest {

  @Test
  void everyRunIsCountedByOutcomeAndItsLatencySummedInVirtualTime() {
    VirtualScheduler clock = new VirtualScheduler();
    Deque<Object> answers = new ArrayDeque<>();
    answers.add(Duration.ofMillis(250)); // ok after 250 ms
    answers.add(ProbeResult.failed("refused")); // failed after 100 ms
    answers.add("hang"); // never returns, ignores cancellation
    AsyncProbe scripted =
        context -> {
          CompletableFuture<ProbeResult> result = new CompletableFuture<>();
          Object answer = answers.poll();
          if (answer instanceof Duration after) {
            context.scheduler().schedule(after, () -> result.complete(ProbeResult.ok()));
          } else if (answer instanceof ProbeResult failed) {
            context.scheduler().schedule(Duration.ofMillis(100), () -> result.complete(failed));
          }
          return result;
        };
    AsyncProbe throwing =
        context -> {
          throw new IllegalStateException("a broken probe");
        };
    try (HealthChecks checks =
        HealthChecks.builder().scheduler(clock).blockingExecutor(Runnable::run).build()) {
      CheckSchedule schedule = CheckSchedule.builder().timeout(Duration.ofMillis(500)).build();
      ScheduledProbe probe = checks.schedule("scripted", scripted, schedule);
      ScheduledProbe broken = checks.schedule("broken", throwing, schedule);
      assertThat(probe.stats().successes()).isZero();

      // t=0 ok (250 ms), t=1 failed (100 ms), t=2 hangs: timed out at 2.5 (500 ms), t=3 still
      clock.advanceBy(Duration.ofMillis(3500));

      ProbeStats stats = probe.stats();
      assertThat(stats.successes()).isEqualTo(1);
      assertThat(stats.failures(ProbeFailure.FAILED)).isEqualTo(1);
      assertThat(stats.failures(ProbeFailure.TIMEOUT)).isEqualTo(1);
      assertThat(stats.failures(ProbeFailure.STILL_RUNNING)).isEqualTo(1);
      assertThat(stats.failures(ProbeFailure.PROBE_ERROR)).isZero();
      assertThat(stats.timedRuns()).isEqualTo(3);
      assertThat(stats.latencyNanos()).isEqualTo(Duration.ofMillis(850).toNanos());
      assertThat(broken.stats().failures(ProbeFailure.PROBE_ERROR)).isEqualTo(4);
      assertThat(checks.probes()).containsExactlyInAnyOrder(probe, broken);
    }
  }
}
