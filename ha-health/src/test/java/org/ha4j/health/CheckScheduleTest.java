package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckScheduleTest {

  @Test
  void defaultsAreKeepalivedsAndTimeoutFollowsInterval() {
    CheckSchedule defaults = CheckSchedule.defaults();
    assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.rise()).isEqualTo(1);
    assertThat(defaults.fall()).isEqualTo(1);
    assertThat(defaults.initiallyDown()).isFalse();
    assertThat(CheckSchedule.builder().interval(Duration.ofSeconds(5)).build().timeout())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void negativeIntervalIsRejectedNamingTheRange() {
    assertThatThrownBy(() -> CheckSchedule.builder().interval(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be at least 1 ms, got PT-1S");
  }

  @Test
  void zeroTimeoutRiseZeroAndFallZeroAreRejected() {
    assertThatThrownBy(() -> CheckSchedule.builder().timeout(Duration.ZERO).build())
        .hasMessage("timeout must be at least 1 ms, got PT0S");
    assertThatThrownBy(() -> CheckSchedule.builder().rise(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rise must be 1-1000000, got 0");
    assertThatThrownBy(() -> CheckSchedule.builder().fall(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fall must be 1-1000000, got 0");
  }

  @Test
  void jitterMustStayBelowTheInterval() {
    assertThatThrownBy(() -> CheckSchedule.builder().jitter(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter must be >= 0 and less than the interval PT1S");
    assertThat(CheckSchedule.builder().jitter(Duration.ofMillis(999)).build().jitter())
        .isEqualTo(Duration.ofMillis(999));
  }
}
