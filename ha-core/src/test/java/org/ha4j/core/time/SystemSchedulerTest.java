package org.ha4j.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SystemSchedulerTest {

  @Test
  void runsTasksInOrderOnItsOwnThreadAndSurvivesAFailingTask() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    try (SystemScheduler scheduler = new SystemScheduler("test-scheduler")) {
      scheduler.execute(() -> ran.add(Thread.currentThread().getName()));
      scheduler.execute(
          () -> {
            throw new IllegalStateException("boom, on purpose");
          });
      scheduler.schedule(
          Duration.ofMillis(20),
          () -> {
            ran.add("later:" + scheduler.inSchedulerThread());
            done.countDown();
          });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(scheduler.inSchedulerThread()).isFalse();
    }
    assertThat(ran).containsExactly("test-scheduler", "later:true");
  }

  @Test
  void cancelledTimerDoesNotRun() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch marker = new CountDownLatch(1);
    try (SystemScheduler scheduler = new SystemScheduler("test-cancel")) {
      Scheduler.Timer timer = scheduler.schedule(Duration.ofMillis(50), () -> ran.add("cancelled"));
      assertThat(timer.cancel()).isTrue();
      // A later task on the same single thread proves the earlier slot has passed.
      scheduler.schedule(Duration.ofMillis(100), marker::countDown);
      assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ran).isEmpty();
  }
}
