package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.testing.NoVirtualAddresses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A master's advert cadence when its thread wakes late, in virtual time: a timer can be made to
 * fire late, as a GC pause or a saturated CPU would make it.
 */
class AdvertPacingTest {

  static final long INTERVAL = Duration.ofMillis(100).toNanos();

  final VirtualScheduler clock = new VirtualScheduler();

  final StallingScheduler stalling = new StallingScheduler(clock);

  /** When each advert went out, in virtual nanoseconds. */
  final List<Long> sentAt = new ArrayList<>();

  VrrpDriver driver;
  long becameMaster;

  @BeforeEach
  void aV3MasterAt100Milliseconds() {
    VrrpRouterConfig config =
        VrrpRouterConfig.builder()
            .instanceName("VI_1")
            .virtualRouterId(51)
            .priority(100)
            .version(3)
            .advertInterval(Duration.ofNanos(INTERVAL))
            .primaryAddress(Ipv4Address.parse("10.200.0.10"))
            .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
            .build();
    driver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(stalling)
            .adverts(advert -> sentAt.add(clock.nanoTime()))
            .addresses(new NoVirtualAddresses())
            .announcer((addresses, repeat) -> {})
            .build();
    driver.handle(VrrpInput.start());
    clock.runNext(); // Master_Down_Timer
    assertThat(driver.snapshot().state()).isEqualTo(VrrpState.MASTER);
    becameMaster = clock.nanoTime();
    assertThat(sentAt).containsExactly(becameMaster);
  }

  @Test
  void aLateAdvertIsCaughtUpSoTheCadenceDoesNotDrift() {
    // the timer the second advert arms: 30 ms late
    stalling.delayNextTimer(Duration.ofMillis(30).toNanos());
    clock.advanceTo(becameMaster + INTERVAL);
    clock.advanceTo(becameMaster + 5 * INTERVAL);

    assertThat(sentAt)
        .containsExactly(
            becameMaster,
            becameMaster + INTERVAL,
            becameMaster + 2 * INTERVAL + lateMillis(30),
            becameMaster + 3 * INTERVAL,
            becameMaster + 4 * INTERVAL,
            becameMaster + 5 * INTERVAL);
  }

  @Test
  void aStallLongerThanAnIntervalSendsOneAdvertAndStartsTheCadenceAgain() {
    // 2.5 intervals missed
    stalling.delayNextTimer(Duration.ofMillis(250).toNanos());
    clock.advanceTo(becameMaster + INTERVAL);
    long resumed = becameMaster + 2 * INTERVAL + lateMillis(250);
    clock.advanceTo(resumed + 2 * INTERVAL);

    assertThat(sentAt)
        .containsExactly(
            becameMaster,
            becameMaster + INTERVAL,
            resumed, // one advert for the whole stall, not three at once
            resumed + INTERVAL,
            resumed + 2 * INTERVAL);
  }

  @Test
  void aNewMasterStartsAFreshCadence() {
    clock.advanceTo(becameMaster + 2 * INTERVAL);
    // a priority-0 advert from another router: §6.4.3 answers with an advert and resets the timer
    long answeredAt = becameMaster + 2 * INTERVAL + lateMillis(40);
    clock.advanceTo(answeredAt);
    driver.handle(
        VrrpInput.advertisement(
            Ipv4Address.parse("10.200.0.11"),
            VrrpAdvertisement.v3(51, 0, 10, List.of(Ipv4Address.parse("10.200.0.100")))));
    clock.advanceTo(answeredAt + 2 * INTERVAL);

    assertThat(sentAt)
        .containsExactly(
            becameMaster,
            becameMaster + INTERVAL,
            becameMaster + 2 * INTERVAL,
            answeredAt,
            answeredAt + INTERVAL,
            answeredAt + 2 * INTERVAL);
  }

  private static long lateMillis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
