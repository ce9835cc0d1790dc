package org.ha4j.vrrp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_HIGHER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.SECOND;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link VrrpInput#reconfigure}: new settings, no transition unless they demand one. */
class ReconfigureTest {

  static final Ipv4Cidr A = Ipv4Cidr.parse("10.200.0.101/32");
  static final Ipv4Cidr B = Ipv4Cidr.parse("10.200.0.102/32");
  static final Ipv4Cidr C = Ipv4Cidr.parse("10.200.0.103/32");

  static VrrpRouterConfig.Builder config(int priority, Ipv4Cidr... vips) {
    return VrrpRouterConfig.builder()
        .virtualRouterId(RouterHarness.VRID)
        .priority(priority)
        .primaryAddress(RouterHarness.SELF)
        .authentication(RouterHarness.AUTH)
        .virtualAddresses(List.of(vips));
  }

  /** A router that became MASTER after its Master_Down_Interval, at t = 3.609375 s. */
  static RouterHarness master(VrrpRouterConfig config) {
    RouterHarness h = RouterHarness.started(config);
    h.advanceBy(Duration.ofSeconds(4));
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    return h;
  }

  static List<VrrpAction> reconfigure(RouterHarness h, VrrpRouterConfig next) {
    return h.feed(VrrpInput.reconfigure(next, Map.of()));
  }

  static void assertNoTransition(List<VrrpAction> actions) {
    assertThat(actions).noneMatch(VrrpAction.StateChanged.class::isInstance);
  }

  @Test
  @DisplayName("a MASTER stays MASTER; its next advertisement carries the new priority")
  void masterPriority() {
    RouterHarness h = master(config(100, A).build());
    long advertDue = h.due(VrrpTimer.ADVERTISEMENT);

    List<VrrpAction> actions = reconfigure(h, config(110, A).build());

    assertThat(actions).containsExactly(new VrrpAction.PriorityChanged(100, 110, "reconfigured"));
    assertThat(h.due(VrrpTimer.ADVERTISEMENT)).isEqualTo(advertDue);
    h.advanceTo(advertDue);
    assertThat(h.sentPriorities()).containsExactly(110);
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    assertThat(h.router.snapshot().basePriority()).isEqualTo(110);
  }

  @Test
  @DisplayName("a MASTER's advertisements follow the new interval after the one already due")
  void masterInterval() {
    RouterHarness h = master(config(100, A).build());
    long advertDue = h.due(VrrpTimer.ADVERTISEMENT);

    assertNoTransition(reconfigure(h, config(100, A).advertIntervalSeconds(2).build()));

    h.advanceTo(advertDue);
    VrrpAction.SendAdvertisement sent = h.lastOf(VrrpAction.SendAdvertisement.class).get(0);
    assertThat(sent.advertisement().advertIntervalCentis()).isEqualTo(200);
    assertThat(h.due(VrrpTimer.ADVERTISEMENT)).isEqualTo(advertDue + 2 * SECOND);
  }

  @Test
  @DisplayName("a MASTER adds and announces new VIPs, removes dropped ones, leaves the others")
  void masterAddresses() {
    RouterHarness h = master(config(100, A, B).build());

    List<VrrpAction> actions = reconfigure(h, config(100, B, C).build());

    assertThat(actions)
        .containsExactly(
            new VrrpAction.RemoveVirtualAddresses(List.of(A)),
            new VrrpAction.AddVirtualAddresses(List.of(C)),
            new VrrpAction.SendGratuitousArp(
                List.of(C), VrrpRouterConfig.DEFAULT_GARP_MASTER_REPEAT));
    assertThat(h.router.snapshot().holdsVirtualAddresses()).isTrue();
    // the next advert lists the new set
    h.advanceTo(h.due(VrrpTimer.ADVERTISEMENT));
    assertThat(h.lastOf(VrrpAction.SendAdvertisement.class).get(0).advertisement().addresses())
        .containsExactly(B.address(), C.address());
  }

  @Test
  @DisplayName("unchanged settings: no action at all")
  void nothingChanged() {
    RouterHarness h = master(config(100, A, B).build());
    assertThat(reconfigure(h, config(100, A, B).build())).isEmpty();
    RouterHarness backup = RouterHarness.started(config(100, A).build());
    assertThat(reconfigure(backup, config(100, A).build())).isEmpty();
  }

  @Test
  @DisplayName("a MASTER adopts excluded addresses, the GARP refresh and authentication")
  void masterOtherSettings() {
    RouterHarness h = master(config(100, A).build());
    VrrpRouterConfig next =
        config(100, A)
            .excludedAddresses(List.of(C))
            .garpMasterRefresh(Duration.ofSeconds(60))
            .garpMasterRepeat(2)
            .authentication(VrrpAuthentication.password("2222"))
            .build();

    List<VrrpAction> actions = reconfigure(h, next);

    assertNoTransition(actions);
    assertThat(actions)
        .contains(
            new VrrpAction.AddVirtualAddresses(List.of(C)),
            new VrrpAction.SendGratuitousArp(List.of(C), 2));
    assertThat(h.due(VrrpTimer.GARP_REFRESH)).isEqualTo(h.now() + 60 * SECOND);
    h.advanceTo(h.due(VrrpTimer.ADVERTISEMENT));
    assertThat(h.lastOf(VrrpAction.SendAdvertisement.class).get(0).advertisement().authentication())
        .isEqualTo(VrrpAuthentication.password("2222"));
    assertThat(h.router.config().excludedAddresses()).containsExactly(C);
  }

  @Test
  @DisplayName("a BACKUP puts nothing on the wire and moves its Master_Down_Timer, never earlier")
  void backupTimer() {
    RouterHarness h = RouterHarness.started(config(100, A).build());
    h.advanceBy(Duration.ofSeconds(1));
    h.receive(PEER_HIGHER_ADDRESS, 200);
    long due = h.due(VrrpTimer.MASTER_DOWN);
    assertThat(due - h.now()).isEqualTo(3 * SECOND + VrrpTiming.skewNanos(100));

    // higher priority: shorter Skew_Time, but the timer stays where it was
    List<VrrpAction> up = reconfigure(h, config(150, A, B).build());
    assertThat(up).noneMatch(a -> a instanceof VrrpAction.SendAdvertisement);
    assertThat(up).noneMatch(a -> a instanceof VrrpAction.AddVirtualAddresses);
    assertThat(up).noneMatch(a -> a instanceof VrrpAction.SendGratuitousArp);
    assertNoTransition(up);
    assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(due);

    // lower priority: longer Skew_Time, the timer moves later by the difference
    h.advanceBy(Duration.ofMillis(500));
    assertNoTransition(reconfigure(h, config(50, A).build()));
    assertThat(h.due(VrrpTimer.MASTER_DOWN))
        .isEqualTo(due - VrrpTiming.skewNanos(100) + VrrpTiming.skewNanos(50));

    // v2 interval: Master_Down_Interval follows it
    long armedAt = due - 3 * SECOND - VrrpTiming.skewNanos(100);
    assertNoTransition(reconfigure(h, config(50, A).advertIntervalSeconds(2).build()));
    assertThat(h.due(VrrpTimer.MASTER_DOWN))
        .isEqualTo(armedAt + 6 * SECOND + VrrpTiming.skewNanos(50));
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName(
      "a VRRPv3 BACKUP recomputes Skew_Time from the new priority, keeping the learnt interval")
  void backupV3Skew() {
    RouterHarness h =
        RouterHarness.started(
            config(100, A)
                .version(VrrpWireFormat.VERSION_3)
                .authentication(VrrpAuthentication.none())
                .advertInterval(Duration.ofMillis(100))
                .build());
    long armedAt = h.now();
    long interval = 100_000_000L;
    long due = h.due(VrrpTimer.MASTER_DOWN);
    assertThat(due).isEqualTo(armedAt + 3 * interval + VrrpTiming.v3SkewNanos(100, interval));

    assertNoTransition(
        reconfigure(
            h,
            config(20, A)
                .version(VrrpWireFormat.VERSION_3)
                .authentication(VrrpAuthentication.none())
                .advertInterval(Duration.ofMillis(100))
                .build()));

    assertThat(h.due(VrrpTimer.MASTER_DOWN))
        .isEqualTo(armedAt + 3 * interval + VrrpTiming.v3SkewNanos(20, interval));
    h.advanceTo(h.due(VrrpTimer.MASTER_DOWN) - 1);
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  @DisplayName("a newly tracked weight-0 input that is DOWN: FAULT, as at start")
  void newFaultingTracker() {
    RouterHarness h = master(config(100, A, B).build());

    List<VrrpAction> actions =
        h.feed(
            VrrpInput.reconfigure(
                config(100, B, C).track("check", 0).build(), Map.of("check", HealthStatus.DOWN)));

    assertThat(h.state()).isEqualTo(VrrpState.FAULT);
    // the old set leaves with mastership; the new one was never added
    assertThat(actions).contains(new VrrpAction.RemoveVirtualAddresses(List.of(A, B)));
    assertThat(actions).noneMatch(a -> a instanceof VrrpAction.AddVirtualAddresses);
    assertThat(h.lastOf(VrrpAction.SendAdvertisement.class))
        .extracting(VrrpAction.SendAdvertisement::priority)
        .containsExactly(0);

    RouterHarness backup = RouterHarness.started(config(100, A).build());
    backup.feed(
        VrrpInput.reconfigure(
            config(100, A).track("check", 0).build(), Map.of("check", HealthStatus.DOWN)));
    assertThat(backup.state()).isEqualTo(VrrpState.FAULT);
    assertThat(backup.due(VrrpTimer.MASTER_DOWN)).isEqualTo(-1);
  }

  @Test
  @DisplayName(
      "weights: a new weighted input recomputes the effective priority; an unnamed one keeps its status")
  void trackedWeights() {
    RouterHarness h = master(config(100, A).track("disk", -20).build());
    h.health("disk", HealthStatus.DOWN);
    assertThat(h.router.snapshot().effectivePriority()).isEqualTo(80);

    List<VrrpAction> actions =
        h.feed(
            VrrpInput.reconfigure(
                config(100, A).track("disk", -30).track("app", 15).build(),
                Map.of("app", HealthStatus.UP)));

    assertNoTransition(actions);
    assertThat(actions).containsExactly(new VrrpAction.PriorityChanged(80, 85, "reconfigured"));
    assertThat(h.router.snapshot().trackedHealth())
        .containsEntry("disk", HealthStatus.DOWN)
        .containsEntry("app", HealthStatus.UP);
  }

  @Test
  @DisplayName(
      "FAULT whose cause is no longer tracked: BACKUP; FAULT with VIP changes: nothing added")
  void faultCleared() {
    RouterHarness h = RouterHarness.started(config(100, A).track("check", 0).build());
    h.health("check", HealthStatus.DOWN);
    assertThat(h.state()).isEqualTo(VrrpState.FAULT);

    List<VrrpAction> still = reconfigure(h, config(100, A, B).track("check", 0).build());
    assertThat(still).noneMatch(a -> a instanceof VrrpAction.AddVirtualAddresses);
    assertThat(h.state()).isEqualTo(VrrpState.FAULT);

    reconfigure(h, config(100, A, B).build());
    assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(h.due(VrrpTimer.MASTER_DOWN)).isPositive();
  }

  @Test
  @DisplayName("preempt and preempt_delay are adopted: a BACKUP with nopreempt starts preempting")
  void preempt() {
    RouterHarness h = RouterHarness.started(config(100, A).preempt(false).build());
    h.receive(PEER_HIGHER_ADDRESS, 50);
    long due = h.due(VrrpTimer.MASTER_DOWN);
    assertNoTransition(reconfigure(h, config(100, A).build()));
    assertThat(h.router.config().preempt()).isTrue();
    h.advanceBy(Duration.ofSeconds(1));
    h.receive(PEER_HIGHER_ADDRESS, 50); // lower: discarded now, the timer runs on
    assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(due);
  }

  @Test
  @DisplayName("VRID, version and address-owner status need a restart")
  void identity() {
    RouterHarness h = master(config(100, A).build());
    assertThatThrownBy(() -> reconfigure(h, config(100, A).virtualRouterId(52).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restart");
    assertThatThrownBy(() -> reconfigure(h, config(255, A).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address-owner");
    assertThat(h.router.config().priority()).isEqualTo(100);
  }

  @Test
  @DisplayName("a new unicast source is the MASTER's address and its adverts' from then on")
  void unicastSource() {
    RouterHarness h = master(config(100, A).build());
    Ipv4Address source = Ipv4Address.parse("10.200.0.20");

    assertNoTransition(reconfigure(h, config(100, A).primaryAddress(source).build()));

    assertThat(h.router.snapshot().masterAddress()).contains(source);
    // an equal-priority peer between the two addresses now loses to us
    h.receive(Ipv4Address.parse("10.200.0.15"), 100);
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
  }
}
