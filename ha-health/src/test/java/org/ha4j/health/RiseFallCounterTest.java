package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ha4j.core.health.HealthStatus.DOWN;
import static org.ha4j.core.health.HealthStatus.UP;

import org.junit.jupiter.api.Test;

class RiseFallCounterTest {

  @Test
  void firstFailureDecidesDownWhateverFallIs() {
    RiseFallCounter counter = new RiseFallCounter(3, 5, false);
    assertThat(counter.status()).isEqualTo(UP);
    assertThat(counter.record(false)).isEqualTo(DOWN);
    assertThat(counter.counter()).isZero();
  }

  @Test
  void firstSuccessDecidesUpWhateverRiseIs() {
    RiseFallCounter counter = new RiseFallCounter(5, 3, true);
    assertThat(counter.status()).isEqualTo(DOWN);
    assertThat(counter.record(true)).isEqualTo(UP);
    assertThat(counter.counter()).isEqualTo(5 + 3 - 1);
  }

  @Test
  void fallConsecutiveFailuresTakeItDownAndASuccessRefills() {
    RiseFallCounter counter = new RiseFallCounter(2, 3, false);
    counter.record(true);
    assertThat(counter.record(false)).isEqualTo(UP);
    assertThat(counter.record(false)).isEqualTo(UP);
    assertThat(counter.record(true)).isEqualTo(UP); // refilled to the top
    assertThat(counter.counter()).isEqualTo(4);
    assertThat(counter.record(false)).isEqualTo(UP);
    assertThat(counter.record(false)).isEqualTo(UP);
    assertThat(counter.record(false)).isEqualTo(DOWN);
    assertThat(counter.counter()).isZero();
  }

  @Test
  void riseConsecutiveSuccessesBringItUpAndAFailureResets() {
    RiseFallCounter counter = new RiseFallCounter(3, 2, false);
    counter.record(false);
    assertThat(counter.record(true)).isEqualTo(DOWN);
    assertThat(counter.record(true)).isEqualTo(DOWN);
    assertThat(counter.record(false)).isEqualTo(DOWN); // reset to 0
    assertThat(counter.record(true)).isEqualTo(DOWN);
    assertThat(counter.record(true)).isEqualTo(DOWN);
    assertThat(counter.record(true)).isEqualTo(UP);
    assertThat(counter.counter()).isEqualTo(4);
  }

  @Test
  void riseAndFallOfOneFollowEveryResult() {
    RiseFallCounter counter = new RiseFallCounter(1, 1, false);
    boolean[] results = {true, false, true, true, false, false, true};
    for (boolean ok : results) {
      assertThat(counter.record(ok)).isEqualTo(ok ? UP : DOWN);
    }
  }

  @Test
  void rejectsCountsOutsideTheRange() {
    assertThatThrownBy(() -> new RiseFallCounter(0, 1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rise must be 1-1000000, got 0");
    assertThatThrownBy(() -> new RiseFallCounter(1, -2, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fall must be 1-1000000, got -2");
  }
}
