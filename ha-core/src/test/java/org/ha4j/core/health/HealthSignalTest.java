package org.ha4j.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class HealthSignalTest {

  @Test
  void listenersHearOnlyTransitionsInOrder() {
    HealthSignal signal = HealthSignal.up("db-load");
    List<String> heard = new ArrayList<>();
    signal.subscribe(
        (source, previous, current) ->
            heard.add(source.name() + ":" + previous.status() + "->" + current));

    signal.up();
    signal.down("load 0.97");
    signal.down("load 0.99");
    signal.up();

    assertThat(heard).containsExactly("db-load:UP->DOWN (load 0.97)", "db-load:DOWN->UP");
  }

  @Test
  void sameStatusStillUpdatesTheLatestReading() {
    HealthSignal signal = HealthSignal.down("db", "starting");
    signal.down("replica lag 30s");
    assertThat(signal.current().cause()).isEqualTo("replica lag 30s");
    assertThat(signal.current().isUp()).isFalse();
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthers() {
    HealthSignal signal = HealthSignal.up("x");
    List<String> heard = new ArrayList<>();
    signal.subscribe(
        (s, p, c) -> {
          throw new IllegalStateException("bad listener, on purpose");
        });
    signal.subscribe((s, p, c) -> heard.add(c.status().name()));
    signal.down("gone");
    assertThat(heard).containsExactly("DOWN");
  }

  @Test
  void closedSubscriptionHearsNothing() {
    HealthSignal signal = HealthSignal.up("x");
    List<String> heard = new ArrayList<>();
    HealthSource.Subscription subscription = signal.subscribe((s, p, c) -> heard.add("heard"));
    subscription.close();
    subscription.close();
    signal.down("gone");
    assertThat(heard).isEmpty();
  }

  /**
   * A listener that blocks (against its contract) holds up only the thread that is notifying: a
   * reading set meanwhile on another thread is stored at once, and its transition is heard after
   * the earlier one, in order, once the listener returns.
   */
  @Test
  void aBlockingListenerHoldsUpOnlyTheNotifyingThread() throws Exception {
    HealthSignal signal = HealthSignal.up("proxy");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> heard = new CopyOnWriteArrayList<>();
    signal.subscribe(
        (s, p, c) -> {
          heard.add(c.status().name());
          if (heard.size() == 1) {
            entered.countDown();
            awaitQuietly(release);
          }
        });
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> signal.down("no servers"));
    try {
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> signal.up());
      assertThat(signal.current().isUp()).isTrue();
      assertThat(heard).containsExactly("DOWN");
    } finally {
      release.countDown();
    }
    first.get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
    assertThat(heard).containsExactly("DOWN", "UP");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
