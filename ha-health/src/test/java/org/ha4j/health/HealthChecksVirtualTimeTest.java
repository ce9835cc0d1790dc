package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.core.health.HealthStatus.DOWN;
import static org.ha4j.core.health.HealthStatus.UP;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.ha4j.core.health.Health;
import org.ha4j.core.time.VirtualScheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler's timing and counting, in virtual time: every assertion is at an exact instant. */
class HealthChecksVirtualTimeTest {

  private VirtualScheduler clock;
  private HealthChecks checks;

  @BeforeEach
  void setUp() {
    clock = new VirtualScheduler();
    checks =
        HealthChecks.builder()
            .scheduler(clock)
            .blockingExecutor(Runnable::run)
            .random(new SplittableRandom(42))
            .build();
  }

  /**
   * A probe that answers from a script of results, each after a given virtual delay, and logs its
   * starts.
   */
  private final class ScriptedProbe implements AsyncProbe {
    final Deque<Object[]> answers = new ArrayDeque<>();
    final List<Long> startTimes = new ArrayList<>();
    int cancellations;

    ScriptedProbe then(boolean ok, Duration after) {
      answers.add(new Object[] {ok, after});
      return this;
    }

    ScriptedProbe thenHang() {
      answers.add(new Object[] {null, null});
      return this;
    }

    @Override
    public CompletableFuture<ProbeResult> start(ProbeContext context) {
      startTimes.add(clock.nanoTime());
      context.onCancel(() -> cancellations++);
      CompletableFuture<ProbeResult> result = new CompletableFuture<>();
      Object[] answer = answers.isEmpty() ? new Object[] {true, Duration.ZERO} : answers.poll();
      if (answer[0] == null) {
        return result; // never completes, ignores cancellation
      }
      boolean ok = (Boolean) answer[0];
      context
          .scheduler()
          .schedule(
              (Duration) answer[1],
              () -> result.complete(ok ? ProbeResult.ok("fine") : ProbeResult.failed("broken")));
      return result;
    }
  }

  private record Transition(long atNanos, Health previous, Health current) {}

  private List<Transition> listen(ScheduledProbe probe) {
    List<Transition> heard = new ArrayList<>();
    probe.subscribe(
        (source, previous, current) -> {
          assertThat(source).isSameAs(probe);
          heard.add(new Transition(clock.nanoTime(), previous, current));
        });
    return heard;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  @Test
  void runsEveryIntervalStartToStart() {
    ScriptedProbe probe =
        new ScriptedProbe().then(true, Duration.ofMillis(300)).then(true, Duration.ofMillis(700));
    checks.schedule("p", probe, CheckSchedule.builder().interval(Duration.ofSeconds(2)).build());
    clock.advanceBy(Duration.ofSeconds(7));
    assertThat(probe.startTimes).containsExactly(0L, seconds(2), seconds(4), seconds(6));
  }

  @Test
  void firstResultDecidesAndListenersHearItWithCauseAndLatency() {
    ScriptedProbe probe = new ScriptedProbe().then(false, Duration.ofMillis(250));
    ScheduledProbe scheduled =
        checks.schedule("check_nginx", probe, CheckSchedule.builder().rise(3).fall(3).build());
    List<Transition> heard = listen(scheduled);
    assertThat(scheduled.current().status()).isEqualTo(UP);

    clock.advanceBy(Duration.ofMillis(249));
    assertThat(heard).isEmpty();
    clock.advanceBy(Duration.ofMillis(1));
    assertThat(heard).hasSize(1);
    Transition down = heard.get(0);
    assertThat(down.atNanos()).isEqualTo(seconds(0.25));
    assertThat(down.current().status()).isEqualTo(DOWN);
    assertThat(down.current().cause()).isEqualTo("broken");
    assertThat(down.current().latency()).isEqualTo(Duration.ofMillis(250));
    assertThat(scheduled.lastResult()).contains(ProbeResult.failed("broken"));
  }

  @Test
  void fallFailuresInARowTakeItDownAndRiseSuccessesBringItBack() {
    ScriptedProbe probe =
        new ScriptedProbe()
            .then(true, Duration.ZERO) // t=0 UP (first decides)
            .then(false, Duration.ZERO)
            .then(false, Duration.ZERO) // t=1,2 still UP
            .then(true, Duration.ZERO) // t=3 refill
            .then(false, Duration.ZERO)
            .then(false, Duration.ZERO) // t=4,5
            .then(false, Duration.ZERO) // t=6 DOWN
            .then(true, Duration.ZERO)
            .then(false, Duration.ZERO) // t=7,8 reset
            .then(true, Duration.ZERO)
            .then(true, Duration.ZERO); // t=9,10 UP at 10
    ScheduledProbe scheduled =
        checks.schedule("p", probe, CheckSchedule.builder().rise(2).fall(3).build());
    List<Transition> heard = listen(scheduled);
    clock.advanceBy(Duration.ofMillis(10_500));
    assertThat(heard).extracting(t -> t.current().status()).containsExactly(DOWN, UP);
    assertThat(heard).extracting(Transition::atNanos).containsExactly(seconds(6), seconds(10));
  }

  @Test
  void heldStatusShowsTheFailingResultInItsCause() {
    ScriptedProbe probe = new ScriptedProbe().then(true, Duration.ZERO).then(false, Duration.ZERO);
    ScheduledProbe scheduled = checks.schedule("p", probe, CheckSchedule.builder().fall(3).build());
    clock.advanceBy(Duration.ofMillis(1500));
    assertThat(scheduled.current().status()).isEqualTo(UP);
    assertThat(scheduled.current().cause()).isEqualTo("failing 1 of 3: broken");
  }

  @Test
  void aRunThatOutlivesItsTimeoutFailsAtTheTimeoutAndIsCancelled() {
    ScriptedProbe probe =
        new ScriptedProbe().then(true, Duration.ZERO).then(true, Duration.ofSeconds(5));
    ScheduledProbe scheduled =
        checks.schedule(
            "slow",
            probe,
            CheckSchedule.builder()
                .interval(Duration.ofSeconds(3))
                .timeout(Duration.ofMillis(1500))
                .build());
    List<Transition> heard = listen(scheduled);
    clock.advanceBy(Duration.ofMillis(4499));
    assertThat(heard).isEmpty();
    clock.advanceBy(Duration.ofMillis(1));
    assertThat(heard)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.atNanos()).isEqualTo(seconds(4.5));
              assertThat(t.current().cause()).isEqualTo("timed out after 1500 ms");
              assertThat(t.current().latency()).isEqualTo(Duration.ofMillis(1500));
            });
    assertThat(probe.cancellations).isEqualTo(1);
  }

  @Test
  void aProbeThatHangsForGoodGoesDownAfterFallTicks() {
    ScriptedProbe probe = new ScriptedProbe().then(true, Duration.ZERO).thenHang();
    ScheduledProbe scheduled =
        checks.schedule(
            "hung", probe, CheckSchedule.builder().fall(3).timeout(Duration.ofMillis(500)).build());
    List<Transition> heard = listen(scheduled);
    clock.advanceBy(Duration.ofMillis(3600));
    // t=1.5 timed out (1), t=2 still running (2), t=3 still running (3): DOWN at 3 s
    assertThat(heard)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.atNanos()).isEqualTo(seconds(3));
              assertThat(t.current().status()).isEqualTo(DOWN);
              assertThat(t.current().cause())
                  .isEqualTo("previous run still running after 2 s (it ignores cancellation)");
            });
    assertThat(probe.startTimes).containsExactly(0L, seconds(1));
  }

  @Test
  void aProbeThatThrowsIsDownWithItsCause() {
    ScheduledProbe scheduled =
        checks.schedule(
            "thrower",
            context -> {
              throw new IllegalStateException("pool closed");
            },
            CheckSchedule.defaults());
    clock.runDue();
    assertThat(scheduled.current().status()).isEqualTo(DOWN);
    assertThat(scheduled.current().cause()).isEqualTo("IllegalStateException: pool closed");
  }

  @Test
  void aBlockingProbeThatThrowsIsDownWithItsCause() {
    ScheduledProbe scheduled =
        checks.scheduleBlocking(
            "blocking",
            context -> {
              throw new java.io.IOException("disk gone");
            },
            CheckSchedule.defaults());
    clock.runDue();
    assertThat(scheduled.current().cause()).isEqualTo("IOException: disk gone");
    assertThat(scheduled.current().status()).isEqualTo(DOWN);
  }

  @Test
  void aHungProbeDoesNotStallAnother() {
    ScriptedProbe hung = new ScriptedProbe().thenHang();
    ScriptedProbe healthy = new ScriptedProbe();
    checks.schedule("hung", hung, CheckSchedule.defaults());
    ScheduledProbe other = checks.schedule("healthy", healthy, CheckSchedule.defaults());
    clock.advanceBy(Duration.ofMillis(5500));
    assertThat(healthy.startTimes).hasSize(6);
    assertThat(other.current().status()).isEqualTo(UP);
  }

  @Test
  void jitterSpreadsRunsWithinItsBoundsAndASeedReplaysThem() {
    List<Long> first = jitteredStarts(7);
    List<Long> again = jitteredStarts(7);
    assertThat(again).isEqualTo(first);
    assertThat(first.get(0)).isBetween(0L, seconds(0.2));
    for (int i = 1; i < first.size(); i++) {
      assertThat(first.get(i) - first.get(i - 1)).isBetween(seconds(0.8), seconds(1.2));
    }
    assertThat(first.stream().map(t -> t % seconds(1)).distinct().count()).isGreaterThan(5);
    assertThat(jitteredStarts(8)).isNotEqualTo(first);
  }

  private List<Long> jitteredStarts(long seed) {
    VirtualScheduler own = new VirtualScheduler();
    List<Long> starts = new ArrayList<>();
    HealthChecks seeded =
        HealthChecks.builder()
            .scheduler(own)
            .blockingExecutor(Runnable::run)
            .random(new SplittableRandom(seed))
            .build();
    seeded.schedule(
        "j",
        context -> {
          starts.add(own.nanoTime());
          return CompletableFuture.completedFuture(ProbeResult.ok());
        },
        CheckSchedule.builder().jitter(Duration.ofMillis(200)).build());
    own.advanceBy(Duration.ofSeconds(20));
    return starts;
  }

  @Test
  void initiallyDownWaitsForTheFirstSuccess() {
    ScriptedProbe probe = new ScriptedProbe().then(true, Duration.ofMillis(10));
    ScheduledProbe scheduled =
        checks.schedule(
            "init_fail", probe, CheckSchedule.builder().rise(5).initiallyDown(true).build());
    assertThat(scheduled.current().status()).isEqualTo(DOWN);
    clock.advanceBy(Duration.ofMillis(10));
    assertThat(scheduled.current().status()).isEqualTo(UP);
  }

  @Test
  void closeStopsRunsAndCancelsTheOneInFlight() {
    ScriptedProbe probe =
        new ScriptedProbe().then(true, Duration.ZERO).then(true, Duration.ofSeconds(10));
    ScheduledProbe scheduled =
        checks.schedule(
            "p", probe, CheckSchedule.builder().timeout(Duration.ofSeconds(20)).build());
    clock.advanceBy(Duration.ofMillis(1500));
    scheduled.close();
    clock.advanceBy(Duration.ofSeconds(30));
    assertThat(probe.startTimes).hasSize(2);
    assertThat(probe.cancellations).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
  }
}
