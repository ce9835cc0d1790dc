package org.ha4j.vrrp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_HIGHER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_LOWER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.VIP;
import static org.ha4j.vrrp.protocol.RouterHarness.VRID;
import static org.ha4j.vrrp.protocol.RouterHarness.config;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The VRRPv3 timers of RFC 9568 §6.1 and the rows of §6.4 that differ from VRRPv2: Skew_Time scales
 * with Master_Adver_Interval, which a backup learns from the master's adverts.
 */
class Rfc9568TimersTest {

  private static final long MS = 1_000_000L;

  static RouterHarness v3Backup(int priority, Duration interval) {
    return RouterHarness.started(config(priority).version(3).advertInterval(interval).build());
  }

  static VrrpAdvertisement v3Advert(int priority, int centis) {
    return VrrpAdvertisement.v3(VRID, priority, centis, List.of(VIP.address()));
  }

  static void receive(RouterHarness h, Ipv4Address from, int priority, int centis) {
    h.feed(VrrpInput.advertisement(from, v3Advert(priority, centis)));
  }

  @Test
  @DisplayName(
      "Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, in microseconds as keepalived")
  void skewScalesWithTheInterval() {
    assertThat(VrrpTiming.v3SkewTime(100, Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofNanos(609_375_000L));
    assertThat(VrrpTiming.v3SkewTime(100, Duration.ofMillis(10)))
        .isEqualTo(Duration.ofNanos(6_093_000L));
    assertThat(VrrpTiming.v3SkewTime(255, Duration.ofMillis(10)))
        .isEqualTo(Duration.ofNanos(39_000L));
    assertThat(VrrpTiming.v3SkewTime(1, Duration.ofMillis(40_950)))
        .isEqualTo(Duration.ofNanos(40_790_039_000L));
    assertThat(VrrpTiming.v3MasterDownInterval(Duration.ofMillis(100), 100))
        .isEqualTo(Duration.ofNanos(300 * MS + 60_937_000L));
  }

  @Test
  @DisplayName(
      "6.4.1: Set Master_Adver_Interval to Advertisement_Interval, Set the Master_Down_Timer to"
          + " Master_Down_Interval")
  void aV3BackupStartsWithItsOwnInterval() {
    RouterHarness h = v3Backup(100, Duration.ofMillis(20));
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay())
        .isEqualTo(Duration.ofNanos(60 * MS + 12_187_000L));
    h.advanceTo(60 * MS + 12_187_000L);
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    // the master advertises every 20 ms, as a VRRPv3 advert with that interval in centiseconds
    assertThat(h.armed(VrrpTimer.ADVERTISEMENT).delay()).isEqualTo(Duration.ofMillis(20));
    VrrpAdvertisement sent = h.lastOf(VrrpAction.SendAdvertisement.class).get(0).advertisement();
    assertThat(sent).isEqualTo(v3Advert(100, 2));
  }

  @Test
  @DisplayName(
      "6.4.2: Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT,"
          + " Recompute the Master_Down_Interval, Reset the Master_Down_Timer")
  void aBackupLearnsTheMastersInterval() {
    RouterHarness h = v3Backup(100, Duration.ofMillis(100));
    receive(h, PEER_HIGHER_ADDRESS, 200, 5); // the master advertises every 50 ms
    Duration down = h.armed(VrrpTimer.MASTER_DOWN).delay();
    assertThat(down).isEqualTo(VrrpTiming.v3MasterDownInterval(Duration.ofMillis(50), 100));
    assertThat(h.feed(VrrpInput.start())).isEmpty(); // (already running)
    assertThat(snapshotInterval(h)).isEqualTo(Duration.ofMillis(50));

    // it takes over 3 * 50 ms + skew after the last advert, not 3 * its own 100 ms
    h.advanceBy(down.minusNanos(1));
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    h.advanceBy(Duration.ofNanos(1));
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    // as master it advertises its own configured interval again
    assertThat(h.armed(VrrpTimer.ADVERTISEMENT).delay()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  @DisplayName(
      "6.4.2: If the Priority in the ADVERTISEMENT is zero: Set the Master_Down_Timer to Skew_Time (of the learnt interval)")
  void aResignationWaitsTheSkewOfTheLearntInterval() {
    RouterHarness h = v3Backup(100, Duration.ofSeconds(1));
    receive(h, PEER_HIGHER_ADDRESS, 200, 2);
    receive(h, PEER_HIGHER_ADDRESS, 0, 2);
    assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay())
        .isEqualTo(VrrpTiming.v3SkewTime(100, Duration.ofMillis(20)));
  }

  @Test
  @DisplayName(
      "6.4.3: a master that hears a higher priority learns its interval as it becomes Backup")
  void aMasterThatStepsDownLearnsTheInterval() {
    RouterHarness h = v3Backup(100, Duration.ofMillis(10));
    h.advanceBy(Duration.ofMillis(40));
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    receive(h, PEER_HIGHER_ADDRESS, 150, 4095);
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay())
        .isEqualTo(VrrpTiming.v3MasterDownInterval(Duration.ofMillis(40_950), 100));
  }

  @Test
  @DisplayName(
      "6.4.3: a master answers a lower-priority advertisement with its own, at once (RFC 9568)")
  void aMasterAnswersALowerPriorityAtOnce() {
    RouterHarness h = v3Backup(100, Duration.ofMillis(50));
    h.advanceBy(Duration.ofMillis(200));
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    receive(h, PEER_LOWER_ADDRESS, 90, 5);
    assertThat(h.sentPriorities()).containsExactly(100);
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  @DisplayName("a VRRPv2 advert reaching a VRRPv3 router changes nothing (the codec counts it)")
  void theOtherVersionIsIgnoredByTheStateMachineToo() {
    RouterHarness h = v3Backup(100, Duration.ofSeconds(1));
    long due = h.due(VrrpTimer.MASTER_DOWN);
    h.advanceBy(Duration.ofMillis(500));
    assertThat(h.receive(PEER_HIGHER_ADDRESS, 200)).isEmpty(); // RouterHarness.advert is VRRPv2
    assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(due);

    RouterHarness v2 = RouterHarness.started(config(100).build());
    long v2Due = v2.due(VrrpTimer.MASTER_DOWN);
    v2.advanceBy(Duration.ofMillis(500));
    assertThat(v2.feed(VrrpInput.advertisement(PEER_HIGHER_ADDRESS, v3Advert(200, 100)))).isEmpty();
    assertThat(v2.due(VrrpTimer.MASTER_DOWN)).isEqualTo(v2Due);
  }

  @Test
  @DisplayName("Accept_Mode: a master accepts traffic to the VIPs when it owns them or is told to")
  void acceptModeIsReportedToTheDriver() {
    RouterHarness strict =
        RouterHarness.started(
            config(100).version(3).advertInterval(Duration.ofMillis(10)).acceptMode(false).build());
    assertThat(strict.feed(VrrpInput.start())).isEmpty();
    strict.advanceBy(Duration.ofMillis(100));
    assertThat(strict.state()).isEqualTo(VrrpState.MASTER);
    assertThat(snapshot(strict).acceptsVirtualAddressTraffic()).isFalse();

    RouterHarness owner = RouterHarness.started(config(255).version(3).acceptMode(false).build());
    assertThat(snapshot(owner).acceptsVirtualAddressTraffic()).isTrue();

    RouterHarness accepting = v3Backup(100, Duration.ofMillis(10));
    assertThat(snapshot(accepting).acceptsVirtualAddressTraffic()).isFalse(); // a backup never
    accepting.advanceBy(Duration.ofMillis(100));
    assertThat(snapshot(accepting).acceptsVirtualAddressTraffic()).isTrue();
  }

  @Test
  void theIntervalIsCheckedAgainstTheVersionWithItsRange() {
    assertThatThrownBy(() -> config(100).advertInterval(Duration.ofMillis(50)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("advert_int must be whole seconds 1-255 under VRRPv2, got 0.05 s");
    assertThatThrownBy(
            () -> config(100).version(3).advertInterval(Duration.ofMillis(41_000)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("advert_int must be 0.01-40.95 s in steps of 0.01 s under VRRPv3, got 41 s");
    assertThatThrownBy(() -> config(100).version(3).advertInterval(Duration.ofMillis(15)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.01-40.95 s");
    assertThatThrownBy(() -> config(100).version(3).advertInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.01-40.95 s");
    assertThatThrownBy(() -> config(100).version(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VRRP version must be 2 or 3, got 4");
    assertThat(
            config(100)
                .version(3)
                .advertInterval(Duration.ofMillis(40_950))
                .build()
                .advertIntervalCentis())
        .isEqualTo(4095);
    assertThat(config(100).version(3).build().warnings())
        .containsExactly("authentication is not supported with VRRPv3 (RFC 9568 §9): ignored");
  }

  private static VrrpSnapshot snapshot(RouterHarness h) {
    return h.router.snapshot();
  }

  private static Duration snapshotInterval(RouterHarness h) {
    return snapshot(h).masterAdverInterval();
  }
}
