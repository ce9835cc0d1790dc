package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.ha4j.core.time.Scheduler;
import org.junit.jupiter.api.Test;

class ProtocolThreadTest {

  @Test
  void runsTasksInOrderOnItsOwnThreadAndSurvivesAFailingTask() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    try (ProtocolThread thread = new ProtocolThread("test-protocol")) {
      thread.execute(() -> ran.add(Thread.currentThread().getName()));
      thread.execute(
          () -> {
            throw new IllegalStateException("boom, on purpose");
          });
      thread.execute(() -> ran.add("second"));
      thread.schedule(
          Duration.ofMillis(20),
          () -> {
            ran.add("later:" + thread.inSchedulerThread());
            done.countDown();
          });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.inSchedulerThread()).isFalse();
    }
    assertThat(ran).containsExactly("test-protocol", "second", "later:true");
  }

  @Test
  void timersRunByDueTimeAndACancelledOneNever() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch marker = new CountDownLatch(1);
    try (ProtocolThread thread = new ProtocolThread("test-timers")) {
      Scheduler.Timer cancelled = thread.schedule(Duration.ofMillis(50), () -> ran.add("x"));
      thread.schedule(Duration.ofMillis(60), () -> ran.add("60"));
      thread.schedule(Duration.ofMillis(30), () -> ran.add("30"));
      assertThat(cancelled.cancel()).isTrue();
      assertThat(cancelled.cancel()).isFalse();
      thread.schedule(Duration.ofMillis(100), marker::countDown);
      assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ran).containsExactly("30", "60");
  }

  @Test
  void aRearmedTimerRunsOnceAtItsLastArmingAndAllocatesNothing() throws Exception {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    AtomicLong fired = new AtomicLong();
    AtomicLong allocated = new AtomicLong(-1);
    try (ProtocolThread thread = new ProtocolThread("test-rearm")) {
      Scheduler.RearmableTimer timer = thread.timer(fired::incrementAndGet);
      Runnable rearm = () -> timer.arm(TimeUnit.MILLISECONDS.toNanos(30));
      thread.execute(
          () -> {
            for (int i = 0; i < 20_000; i++) {
              rearm.run(); // warm-up: compiled
            }
            long self = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < 20_000; i++) {
              rearm.run();
            }
            allocated.set(threads.getThreadAllocatedBytes(self) - before);
          });
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fired.get() == 1);
      assertThat(allocated.get()).as("20000 re-armings").isLessThan(1_024);
      CountDownLatch later = new CountDownLatch(1);
      thread.schedule(Duration.ofMillis(60), later::countDown);
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(fired.get()).as("the earlier armings were replaced").isEqualTo(1);
    }
  }

  @Test
  void aClosedThreadRejectsNewTasksAndEnds() {
    ProtocolThread thread = new ProtocolThread("test-close");
    List<String> ran = new CopyOnWriteArrayList<>();
    thread.schedule(Duration.ofSeconds(30), () -> ran.add("never"));
    thread.close();
    assertThatThrownBy(() -> thread.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("test-close is closed");
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("test-close"));
    assertThat(ran).isEmpty();
  }
}
