package org.ha4j.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
}
