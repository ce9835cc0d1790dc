package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pacer's arithmetic at its edges; times in nanoseconds. */
class AdvertPacerTest {

  final AdvertPacer pacer = new AdvertPacer();

  @Test
  void lateByExactlyOneIntervalStillCatchesUp() {
    pacer.restart(0, 100);
    assertThat(pacer.next(200, 100)).isZero(); // due at 100, sent at 200: the next is due now
    assertThat(pacer.next(200, 100)).isEqualTo(100);
  }

  @Test
  void lateByMoreThanOneIntervalReAnchors() {
    pacer.restart(0, 100);
    assertThat(pacer.next(201, 100)).isEqualTo(100);
    assertThat(pacer.next(301, 100)).isEqualTo(100);
  }

  @Test
  void anEarlyWakeUpNeverWaitsLongerThanAnInterval() {
    pacer.restart(0, 100);
    assertThat(pacer.next(90, 100)).isEqualTo(100);
  }

  @Test
  void afterStopTheNextExpiryStartsAFreshCadence() {
    pacer.restart(0, 100);
    pacer.stop();
    assertThat(pacer.next(1_000, 100)).isEqualTo(100);
  }

  @Test
  void whenTheKernelSentTheMissedAdvertsTheCadenceIsKeptNotReAnchored() {
    pacer.restart(0, 100);
    assertThat(pacer.keep(130, 100)).isEqualTo(70); // due at 100: the next at 200
    assertThat(pacer.keep(455, 100)).isEqualTo(45); // due at 200, woke at 455: the next at 500
    assertThat(pacer.keep(500, 100)).isEqualTo(100);
  }
}
