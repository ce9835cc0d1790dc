package org.ha4j.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final List<String> ran = new ArrayList<>();

  @Test
  void nothingRunsUntilTimeAdvances() {
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
    assertThat(ran).isEmpty();
    scheduler.advanceBy(Duration.ofMillis(999));
    assertThat(ran).isEmpty();
    scheduler.advanceBy(Duration.ofMillis(1));
    assertThat(ran).containsExactly("a");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void runsInDueOrderThenSubmissionOrder() {
    scheduler.schedule(Duration.ofMillis(20), () -> ran.add("late"));
    scheduler.schedule(Duration.ofMillis(10), () -> ran.add("early-1"));
    scheduler.schedule(Duration.ofMillis(10), () -> ran.add("early-2"));
    scheduler.execute(() -> ran.add("now"));
    scheduler.advanceBy(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("now", "early-1", "early-2", "late");
  }

  @Test
  void tasksSeeTheirOwnDueTimeAndMayScheduleMoreInsideTheWindow() {
    List<Long> seen = new ArrayList<>();
    scheduler.schedule(
        Duration.ofMillis(100),
        () -> {
          seen.add(scheduler.nanoTime());
          scheduler.schedule(Duration.ofMillis(100), () -> seen.add(scheduler.nanoTime()));
        });
    scheduler.advanceBy(Duration.ofMillis(250));
    assertThat(seen).containsExactly(100_000_000L, 200_000_000L);
    assertThat(scheduler.nanoTime()).isEqualTo(250_000_000L);
  }

  @Test
  void cancelledTimersNeverRun() {
    Scheduler.Timer timer = scheduler.schedule(Duration.ofMillis(5), () -> ran.add("x"));
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    assertThat(timer.cancel()).isTrue();
    assertThat(timer.cancel()).isFalse();
    scheduler.advanceBy(Duration.ofSeconds(1));
    assertThat(ran).isEmpty();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void aTimerThatRanCanNoLongerBeCancelled() {
    Scheduler.Timer timer = scheduler.schedule(Duration.ZERO, () -> ran.add("x"));
    scheduler.runDue();
    assertThat(ran).containsExactly("x");
    assertThat(timer.cancel()).isFalse();
  }

  @Test
  void runNextJumpsToTheNextTask() {
    scheduler.schedule(Duration.ofSeconds(3), () -> ran.add("b"));
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("a"));
    assertThat(scheduler.nextDueNanos()).isEqualTo(2_000_000_000L);
    assertThat(scheduler.runNext()).isTrue();
    assertThat(ran).containsExactly("a");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(scheduler.runNext()).isTrue();
    assertThat(scheduler.runNext()).isFalse();
    assertThat(scheduler.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void refusesToGoBackInTime() {
    assertThatThrownBy(() -> scheduler.advanceBy(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scheduler.schedule(Duration.ofMillis(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
