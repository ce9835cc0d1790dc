package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
 * A backup whose Master_Down_Timer fires late, in virtual time: the process was paused while the
 * master kept advertising, and the adverts of the pause still wait for the receiver thread.
 */
class LateMasterDownTest {

  static final Duration INTERVAL = Duration.ofMillis(100);

  /**
   * RFC 9568 §6.1 at priority 100: 3 x 100 ms + (256 - 100) / 256 x 100 ms, Skew_Time in whole
   * microseconds.
   */
  static final long MASTER_DOWN = 360_937_000L;

  static final Ipv4Address MASTER = Ipv4Address.parse("10.200.0.11");
  static final VrrpAdvertisement ADVERT =
      VrrpAdvertisement.v3(51, 200, 10, List.of(Ipv4Address.parse("10.200.0.100")));

  final VirtualScheduler clock = new VirtualScheduler();

  final StallingScheduler stalling = new StallingScheduler(clock);

  VrrpDriver backup;
  long heard;

  /** What the backup's {@link UnheardAdverts} port answers. */
  volatile boolean unheard;

  @BeforeEach
  void aBackupHearingAMaster() {
    VrrpRouterConfig config =
        VrrpRouterConfig.builder()
            .instanceName("VI_1")
            .virtualRouterId(51)
            .priority(100)
            .version(3)
            .advertInterval(INTERVAL)
            .primaryAddress(Ipv4Address.parse("10.200.0.10"))
            .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
            .build();
    backup =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(stalling)
            .adverts(advert -> {})
            .addresses(new NoVirtualAddresses())
            .announcer((addresses, repeat) -> {})
            .unheardAdverts(() -> unheard)
            .build();
    backup.handle(VrrpInput.start());
    clock.advanceBy(INTERVAL);
    // the timer this advert arms fires 250 ms late
    stalling.delayNextTimer(Duration.ofMillis(250).toNanos());
    backup.handle(VrrpInput.advertisement(MASTER, ADVERT));
    heard = clock.nanoTime();
  }

  @Test
  void aLateTimerWaitsOneIntervalForTheAdvertsOfThePause() {
    long fired = heard + MASTER_DOWN + Duration.ofMillis(250).toNanos();
    clock.advanceTo(fired);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);

    backup.handle(VrrpInput.advertisement(MASTER, ADVERT)); // the receiver catches up
    clock.advanceTo(fired + 2 * INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void aLateTimerWithNothingHeardTakesOverOneIntervalLater() {
    long fired = heard + MASTER_DOWN + Duration.ofMillis(250).toNanos();
    clock.advanceTo(fired + INTERVAL.toNanos() - 1);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
    clock.advanceTo(fired + INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void anOnTimeTimerTakesOverAtOnce() {
    long rearmed = rearmedOnTime();
    clock.advanceTo(rearmed + MASTER_DOWN);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.MASTER);
  }

  /**
   * A timer on time, but the pause ended just before it was due: adverts of the pause wait unheard
   * (in the socket, or queued behind the overdue timer), and are heard within the extra interval.
   */
  @Test
  void anOnTimeTimerWithAdvertsUnheardWaitsOneIntervalForThem() {
    long rearmed = rearmedOnTime();
    unheard = true;
    clock.advanceTo(rearmed + MASTER_DOWN);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);

    unheard = false;
    backup.handle(VrrpInput.advertisement(MASTER, ADVERT)); // the receiver catches up
    clock.advanceTo(rearmed + MASTER_DOWN + 2 * INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
  }

  /**
   * A receiver held off its CPU for longer than an interval: packets still wait unheard when the
   * extra interval ends, so the takeover waits another, and the adverts are heard within it.
   */
  @Test
  void advertsStillUnheardAfterTheExtraIntervalExtendTheWait() {
    long rearmed = rearmedOnTime();
    unheard = true;
    clock.advanceTo(rearmed + MASTER_DOWN + 2 * INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);

    unheard = false;
    backup.handle(VrrpInput.advertisement(MASTER, ADVERT)); // the receiver runs again
    clock.advanceTo(rearmed + MASTER_DOWN + 5 * INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
  }

  /**
   * Unheard packets that are not the master's adverts (another VRID's) hold the takeover back while
   * they wait, {@link VrrpDriver#MAX_UNHEARD_WAITS} intervals at most.
   */
  @Test
  void onlyOtherPacketsUnheardHoldTheTakeoverBackAtMostThreeIntervals() {
    long rearmed = rearmedOnTime();
    unheard = true;
    long last = rearmed + MASTER_DOWN + VrrpDriver.MAX_UNHEARD_WAITS * INTERVAL.toNanos();
    clock.advanceTo(last - 1);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
    clock.advanceTo(last);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.MASTER);
  }

  /** Unheard packets that are gone by the end of the extra interval cost that interval, once. */
  @Test
  void packetsHeardWithinTheExtraIntervalButNoAdvertTakeOverOneIntervalLater() {
    long rearmed = rearmedOnTime();
    unheard = true;
    clock.advanceTo(rearmed + MASTER_DOWN);
    unheard = false; // another VRID's packet, read and dropped
    clock.advanceTo(rearmed + MASTER_DOWN + INTERVAL.toNanos() - 1);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
    clock.advanceTo(rearmed + MASTER_DOWN + INTERVAL.toNanos());
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.MASTER);
  }

  /**
   * The master's next advert, one interval on: it re-arms the Master_Down_Timer, on time this once.
   *
   * @return when it was heard
   */
  private long rearmedOnTime() {
    clock.advanceBy(INTERVAL);
    backup.handle(VrrpInput.advertisement(MASTER, ADVERT));
    return clock.nanoTime();
  }
}
