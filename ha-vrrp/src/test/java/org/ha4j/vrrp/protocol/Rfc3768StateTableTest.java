package org.ha4j.vrrp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_HIGHER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_LOWER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.SECOND;
import static org.ha4j.vrrp.protocol.RouterHarness.VIP;
import static org.ha4j.vrrp.protocol.RouterHarness.config;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One scenario per row of RFC 3768 §6.4's state tables; each display name quotes the RFC sentence.
 * Timings: priority 100, advert_int 1 s, so Master_Down_Interval = 3.609375 s and Skew_Time =
 * 0.609375 s.
 */
class Rfc3768StateTableTest {

  static final long MDI_100 = 3_609_375_000L;
  static final long SKEW_100 = 609_375_000L;

  static RouterHarness backup() {
    return RouterHarness.started(config(100).build());
  }

  static RouterHarness master() {
    RouterHarness h = backup();
    h.advanceTo(MDI_100);
    assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    return h;
  }

  @Nested
  @DisplayName("6.4.1 Initialize")
  class Initialize {

    @Test
    @DisplayName(
        "If the Priority = 255 (i.e., the router owns the IP address(es)): Send an ADVERTISEMENT, "
            + "Broadcast a gratuitous ARP request, Set the Adver_Timer to Advertisement_Interval, "
            + "Transition to the {Master} state")
    void ownerGoesStraightToMaster() {
      RouterHarness h = RouterHarness.started(config(255).build());

      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.sentPriorities()).containsExactly(255);
      assertThat(h.lastOf(VrrpAction.AddVirtualAddresses.class))
          .singleElement()
          .extracting(VrrpAction.AddVirtualAddresses::addresses)
          .isEqualTo(List.of(VIP));
      assertThat(h.lastOf(VrrpAction.SendGratuitousArp.class))
          .singleElement()
          .extracting(VrrpAction.SendGratuitousArp::count)
          .isEqualTo(5);
      assertThat(h.armed(VrrpTimer.ADVERTISEMENT).delay()).isEqualTo(Duration.ofSeconds(1));
      assertThat(h.armed(VrrpTimer.MASTER_DOWN)).isNull();
      // advert first, then the addresses, then the ARPs, and the state change last
      assertThat(h.last().get(0)).isInstanceOf(VrrpAction.SendAdvertisement.class);
      assertThat(h.last().get(h.last().size() - 1))
          .isEqualTo(
              new VrrpAction.StateChanged(
                  VrrpState.INITIALIZE, VrrpState.MASTER, "start as address owner (priority 255)"));
    }

    @Test
    @DisplayName(
        "else: Set the Master_Down_Timer to Master_Down_Interval, Transition to the {Backup} state")
    void nonOwnerWaitsMasterDownInterval() {
      RouterHarness h = backup();

      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay()).isEqualTo(Duration.ofNanos(MDI_100));
      assertThat(h.lastOf(VrrpAction.SendAdvertisement.class)).isEmpty();
      assertThat(h.lastOf(VrrpAction.AddVirtualAddresses.class)).isEmpty();
      // keepalived clears VIPs a crashed earlier run may have left behind
      assertThat(h.lastOf(VrrpAction.RemoveVirtualAddresses.class)).hasSize(1);
    }

    @Test
    @DisplayName("Initialize ignores advertisements and timers (nothing is running)")
    void initializeIgnoresEverything() {
      RouterHarness h = new RouterHarness(config(100).build());
      assertThat(h.receive(PEER_HIGHER_ADDRESS, 200)).isEmpty();
      assertThat(h.feed(VrrpInput.timerExpired(VrrpTimer.MASTER_DOWN, 1))).isEmpty();
      assertThat(h.state()).isEqualTo(VrrpState.INITIALIZE);
    }
  }

  @Nested
  @DisplayName("6.4.2 Backup")
  class Backup {

    @Test
    @DisplayName(
        "If a Shutdown event is received, then: Cancel the Master_Down_Timer, "
            + "Transition to the {Initialize} state")
    void shutdown() {
      RouterHarness h = backup();
      h.feed(VrrpInput.shutdown());

      assertThat(h.state()).isEqualTo(VrrpState.INITIALIZE);
      assertThat(h.lastOf(VrrpAction.CancelTimer.class))
          .containsExactly(new VrrpAction.CancelTimer(VrrpTimer.MASTER_DOWN));
      assertThat(h.lastOf(VrrpAction.SendAdvertisement.class)).isEmpty();
      h.advanceTo(10 * SECOND);
      assertThat(h.state()).isEqualTo(VrrpState.INITIALIZE);
    }

    @Test
    @DisplayName(
        "If the Master_Down_Timer fires, then: Send an ADVERTISEMENT, Broadcast a gratuitous ARP "
            + "request ..., Set the Adver_Timer to Advertisement_Interval, Transition to the {Master} state")
    void masterDownTimerFires() {
      RouterHarness h = backup();
      h.advanceTo(MDI_100 - 1);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);

      h.advanceTo(MDI_100);

      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.sentPriorities()).containsExactly(100);
      assertThat(h.lastOf(VrrpAction.AddVirtualAddresses.class)).hasSize(1);
      assertThat(h.lastOf(VrrpAction.SendGratuitousArp.class)).hasSize(1);
      assertThat(h.due(VrrpTimer.ADVERTISEMENT)).isEqualTo(MDI_100 + SECOND);
      assertThat(h.lastOf(VrrpAction.StateChanged.class))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.from()).isEqualTo(VrrpState.BACKUP);
                assertThat(c.to()).isEqualTo(VrrpState.MASTER);
                assertThat(c.reason())
                    .isEqualTo("no advertisement for Master_Down_Interval 3.609 s");
              });
    }

    @Test
    @DisplayName(
        "If the Priority in the ADVERTISEMENT is Zero, then: Set the Master_Down_Timer to Skew_Time")
    void priorityZeroSetsSkewTime() {
      RouterHarness h = backup();
      h.advanceTo(SECOND);
      h.receive(PEER_HIGHER_ADDRESS, 0);

      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(SECOND + SKEW_100);
      h.advanceTo(SECOND + SKEW_100);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.lastOf(VrrpAction.StateChanged.class).get(0).reason())
          .isEqualTo("master resigned (priority 0); Skew_Time 0.609 s elapsed");
    }

    @Test
    @DisplayName(
        "If ... the Priority in the ADVERTISEMENT is greater than or equal to the local Priority, "
            + "then: Reset the Master_Down_Timer to Master_Down_Interval")
    void higherOrEqualPriorityResetsTimer() {
      for (int priority : new int[] {100, 101, 254}) {
        RouterHarness h = backup();
        h.advanceTo(3 * SECOND);
        h.receive(PEER_HIGHER_ADDRESS, priority);

        assertThat(h.due(VrrpTimer.MASTER_DOWN))
            .as("priority %d", priority)
            .isEqualTo(3 * SECOND + MDI_100);
        assertThat(h.router.snapshot().masterAddress()).contains(PEER_HIGHER_ADDRESS);
        h.advanceTo(3 * SECOND + MDI_100 - 1);
        assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      }
    }

    @Test
    @DisplayName(
        "If Preempt_Mode is False, ... then: Reset the Master_Down_Timer to Master_Down_Interval "
            + "(even for a lower priority)")
    void nopreemptAcceptsLowerPriority() {
      RouterHarness h = RouterHarness.started(config(100).preempt(false).build());
      h.advanceTo(3 * SECOND);
      h.receive(PEER_LOWER_ADDRESS, 50);

      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(3 * SECOND + MDI_100);
    }

    @Test
    @DisplayName(
        "Otherwise: Discard the ADVERTISEMENT (a lower priority with preemption on: the "
            + "Master_Down_Timer keeps running and this router takes over)")
    void lowerPriorityDiscardedAndPreempted() {
      RouterHarness h = backup();
      h.advanceTo(3 * SECOND);
      List<VrrpAction> actions = h.receive(PEER_HIGHER_ADDRESS, 99);

      assertThat(actions).isEmpty();
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(MDI_100);
      h.advanceTo(MDI_100);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.lastOf(VrrpAction.StateChanged.class).get(0).reason())
          .isEqualTo("preempting 10.200.0.11 (priority 99 < ours 100)");
    }

    @Test
    @DisplayName(
        "The primary-address tie-break exists only in Master: a Backup accepts an equal priority "
            + "from a lower address")
    void noTieBreakInBackup() {
      RouterHarness h = backup();
      h.advanceTo(2 * SECOND);
      h.receive(PEER_LOWER_ADDRESS, 100);

      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(2 * SECOND + MDI_100);
    }
  }

  @Nested
  @DisplayName("6.4.3 Master")
  class Master {

    @Test
    @DisplayName(
        "If a Shutdown event is received, then: Cancel the Adver_Timer, Send an ADVERTISEMENT "
            + "with Priority = 0, Transition to the {Initialize} state")
    void shutdownResigns() {
      RouterHarness h = master();
      h.feed(VrrpInput.shutdown());

      assertThat(h.state()).isEqualTo(VrrpState.INITIALIZE);
      assertThat(h.lastOf(VrrpAction.CancelTimer.class))
          .contains(new VrrpAction.CancelTimer(VrrpTimer.ADVERTISEMENT));
      assertThat(h.sentPriorities()).containsExactly(0);
      assertThat(h.lastOf(VrrpAction.RemoveVirtualAddresses.class)).hasSize(1);
      assertThat(h.router.snapshot().holdsVirtualAddresses()).isFalse();
      // the resignation goes out before the addresses are dropped
      assertThat(h.last().indexOf(h.lastOf(VrrpAction.SendAdvertisement.class).get(0)))
          .isLessThan(h.last().indexOf(h.lastOf(VrrpAction.RemoveVirtualAddresses.class).get(0)));
    }

    @Test
    @DisplayName(
        "If the Adver_Timer fires, then: Send an ADVERTISEMENT, Reset the Adver_Timer to "
            + "Advertisement_Interval")
    void adverTimerFires() {
      RouterHarness h = master();
      for (int i = 1; i <= 3; i++) {
        h.advanceTo(MDI_100 + i * SECOND);
        assertThat(h.sentPriorities()).containsExactly(100);
        assertThat(h.due(VrrpTimer.ADVERTISEMENT)).isEqualTo(MDI_100 + (i + 1) * SECOND);
      }
    }

    @Test
    @DisplayName(
        "If the Priority in the ADVERTISEMENT is Zero, then: Send an ADVERTISEMENT, Reset the "
            + "Adver_Timer to Advertisement_Interval")
    void priorityZeroAnsweredAtOnce() {
      RouterHarness h = master();
      h.advanceTo(MDI_100 + 300_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 0);

      assertThat(h.sentPriorities()).containsExactly(100);
      assertThat(h.due(VrrpTimer.ADVERTISEMENT)).isEqualTo(MDI_100 + 300_000_000L + SECOND);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "If the Priority in the ADVERTISEMENT is greater than the local Priority, then: Cancel "
            + "Adver_Timer, Set Master_Down_Timer to Master_Down_Interval, Transition to the {Backup} state")
    void higherPriorityTakesOver() {
      RouterHarness h = master();
      h.advanceTo(5 * SECOND);
      h.receive(PEER_LOWER_ADDRESS, 101);

      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.armed(VrrpTimer.ADVERTISEMENT)).isNull();
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(5 * SECOND + MDI_100);
      assertThat(h.lastOf(VrrpAction.RemoveVirtualAddresses.class)).hasSize(1);
      assertThat(h.lastOf(VrrpAction.SendAdvertisement.class)).isEmpty();
      assertThat(h.router.snapshot().masterAddress()).contains(PEER_LOWER_ADDRESS);
    }

    @Test
    @DisplayName(
        "..., or the Priority in the ADVERTISEMENT is equal to the local Priority and the primary "
            + "IP Address of the sender is greater than the local primary IP Address: -> {Backup}")
    void equalPriorityHigherAddressTakesOver() {
      RouterHarness h = master();
      h.receive(PEER_HIGHER_ADDRESS, 100);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);

      RouterHarness other = master();
      other.receive(PEER_LOWER_ADDRESS, 100);
      assertThat(other.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "The address comparison is unsigned in network byte order (RFC 9568 §6.4.3): "
            + "200.0.0.1 is greater than 10.200.0.10")
    void tieBreakIsUnsigned() {
      RouterHarness h = master();
      Ipv4Address high = Ipv4Address.parse("200.0.0.1"); // negative as a signed int
      h.receive(high, 100);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);

      RouterHarness highLocal =
          RouterHarness.started(config(100).primaryAddress(Ipv4Address.parse("200.0.0.1")).build());
      highLocal.advanceTo(MDI_100);
      highLocal.receive(Ipv4Address.parse("10.200.0.10"), 100);
      assertThat(highLocal.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "Otherwise: Discard the ADVERTISEMENT (keepalived and RFC 9568 also re-advertise at once, and "
            + "keepalived announces its VIPs again: the LAN's last gratuitous ARPs may be the loser's)")
    void lowerPriorityDiscarded() {
      RouterHarness h = master();
      h.advanceTo(MDI_100 + 200_000_000L);
      List<VrrpAction> actions = h.receive(PEER_HIGHER_ADDRESS, 99);

      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.sentPriorities()).containsExactly(100);
      assertThat(actions)
          .filteredOn(VrrpAction.SendGratuitousArp.class::isInstance)
          .containsExactly(new VrrpAction.SendGratuitousArp(List.of(VIP), 5));
      assertThat(
              actions.indexOf(
                  actions.stream()
                      .filter(VrrpAction.SendAdvertisement.class::isInstance)
                      .findFirst()
                      .orElseThrow()))
          .as("the advert goes before the announcement")
          .isLessThan(actions.indexOf(new VrrpAction.SendGratuitousArp(List.of(VIP), 5)));
      assertThat(h.due(VrrpTimer.GARP_SECOND_BURST))
          .as("and again after garp_master_delay")
          .isEqualTo(MDI_100 + 200_000_000L + 5 * SECOND);
      assertThat(h.due(VrrpTimer.ADVERTISEMENT))
          .as("the periodic timer is not reset")
          .isEqualTo(MDI_100 + SECOND);

      RouterHarness strict =
          RouterHarness.started(config(100).advertiseOnLowerPriority(false).build());
      strict.advanceTo(MDI_100);
      assertThat(strict.receive(PEER_HIGHER_ADDRESS, 99)).isEmpty();
      assertThat(strict.state()).isEqualTo(VrrpState.MASTER);
    }
  }

  @Nested
  @DisplayName("7.1 Receiving")
  class Receiving {

    @Test
    @DisplayName(
        "MUST verify that ... the local router is not the IP Address owner: an owner discards adverts")
    void ownerIgnoresAdvertisements() {
      RouterHarness h = RouterHarness.started(config(255).build());
      assertThat(h.receive(PEER_HIGHER_ADDRESS, 255)).isEmpty();
      assertThat(h.receive(PEER_HIGHER_ADDRESS, 0)).isEmpty();
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "MUST verify the Adver Interval ... is the same as the locally configured: else discard")
    void intervalMismatchDiscarded() {
      RouterHarness h = backup();
      h.advanceTo(SECOND);
      var advert =
          new org.ha4j.vrrp.codec.VrrpAdvertisement(
              RouterHarness.VRID, 200, RouterHarness.AUTH, 2, List.of(VIP.address()));
      assertThat(h.feed(VrrpInput.advertisement(PEER_HIGHER_ADDRESS, advert))).isEmpty();
      var otherVrid =
          new org.ha4j.vrrp.codec.VrrpAdvertisement(52, 200, RouterHarness.AUTH, 1, List.of());
      assertThat(h.feed(VrrpInput.advertisement(PEER_HIGHER_ADDRESS, otherVrid))).isEmpty();
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(MDI_100);
    }

    @Test
    @DisplayName("Our own advertisement looped back is not a peer's")
    void ownAdvertisementIgnored() {
      RouterHarness h = master();
      assertThat(h.receive(RouterHarness.SELF, 100)).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "6.1: Skew_Time = (256 - Priority) / 256; Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time")
  void timerFormulas() {
    assertThat(VrrpTiming.skewTime(100)).isEqualTo(Duration.ofNanos(609_375_000));
    assertThat(VrrpTiming.masterDownInterval(1, 100)).isEqualTo(Duration.ofNanos(3_609_375_000L));
    assertThat(VrrpTiming.masterDownInterval(1, 90)).isEqualTo(Duration.ofNanos(3_648_437_500L));
    assertThat(VrrpTiming.masterDownInterval(1, 254)).isEqualTo(Duration.ofNanos(3_007_812_500L));
    assertThat(VrrpTiming.masterDownInterval(1, 1)).isEqualTo(Duration.ofNanos(3_996_093_750L));
    assertThat(VrrpTiming.masterDownInterval(2, 100)).isEqualTo(Duration.ofNanos(6_609_375_000L));
    assertThat(VrrpTiming.skewTime(255)).isEqualTo(Duration.ofNanos(3_906_250));
  }
}
