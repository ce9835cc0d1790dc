package org.ha4j.vrrp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ha4j.core.health.HealthStatus.DOWN;
import static org.ha4j.core.health.HealthStatus.UP;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_HIGHER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.SECOND;
import static org.ha4j.vrrp.protocol.RouterHarness.config;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What keepalived adds to RFC 3768 and its users rely on (reference sheet §2). */
class KeepalivedBehaviourTest {

  static final long MDI_100 = 3_609_375_000L;

  @Nested
  @DisplayName("effective priority from tracked inputs (vrrp_track.c)")
  class Weights {

    @Test
    @DisplayName(
        "weight > 0 is added while the input is UP, weight < 0 subtracted while it is DOWN")
    void weightSigns() {
      RouterHarness h =
          RouterHarness.started(config(100).track("plus", 20).track("minus", -30).build());
      assertThat(h.router.snapshot().effectivePriority()).isEqualTo(120);

      h.health("plus", DOWN);
      assertThat(h.router.snapshot().effectivePriority()).isEqualTo(100);
      assertThat(h.lastOf(VrrpAction.PriorityChanged.class))
          .containsExactly(new VrrpAction.PriorityChanged(120, 100, "tracked plus DOWN"));

      h.health("minus", DOWN);
      assertThat(h.router.snapshot().effectivePriority()).isEqualTo(70);
      h.health("minus", UP);
      h.health("plus", UP);
      assertThat(h.router.snapshot().effectivePriority()).isEqualTo(120);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    @DisplayName("the total is clamped to 1-254")
    void clamped() {
      RouterHarness high = RouterHarness.started(config(250).track("a", 100).build());
      assertThat(high.router.snapshot().effectivePriority()).isEqualTo(254);

      RouterHarness low = RouterHarness.started(config(10).track("a", -100).build());
      low.health("a", DOWN);
      assertThat(low.router.snapshot().effectivePriority()).isEqualTo(1);
    }

    @Test
    @DisplayName("an owner's priority never changes; its weights are ignored with a warning")
    void ownerNeverChanges() {
      VrrpRouterConfig cfg = config(255).track("a", -50).build();
      assertThat(cfg.warnings()).singleElement().asString().contains("weight -50 of 'a' ignored");
      RouterHarness h = RouterHarness.started(cfg);
      h.health("a", DOWN);
      assertThat(h.router.snapshot().effectivePriority()).isEqualTo(255);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.sentPriorities()).isEmpty();
    }

    @Test
    @DisplayName("a new priority in BACKUP moves the running down timer by the skew difference")
    void backupShiftsDownTimer() {
      RouterHarness h = RouterHarness.started(config(100).track("a", -50).build());
      h.advanceTo(SECOND);
      h.health("a", DOWN); // 100 -> 50: skew 0.609375 -> 0.8046875 s
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(3_804_687_500L);
    }

    @Test
    @DisplayName("a master whose priority drops below a backup's is preempted by it")
    void lowerMasterPreempted() {
      RouterHarness master = RouterHarness.started(config(100).track("a", -20).build());
      master.advanceTo(MDI_100);
      master.health("a", DOWN);
      master.advanceTo(MDI_100 + SECOND);
      assertThat(master.sentPriorities()).containsExactly(80);
      master.receive(PEER_HIGHER_ADDRESS, 90);
      assertThat(master.state()).isEqualTo(VrrpState.BACKUP);
    }
  }

  @Nested
  @DisplayName("FAULT (weight 0 and interface state)")
  class Fault {

    @Test
    @DisplayName("a weight-0 input DOWN puts a master in FAULT: priority-0 advert, VIPs removed")
    void masterToFault() {
      RouterHarness h = RouterHarness.started(config(100).track("check_nginx", 0).build());
      h.advanceTo(MDI_100);
      h.health("check_nginx", DOWN);

      assertThat(h.state()).isEqualTo(VrrpState.FAULT);
      assertThat(h.sentPriorities()).containsExactly(0);
      assertThat(h.lastOf(VrrpAction.RemoveVirtualAddresses.class)).hasSize(1);
      assertThat(h.armed(VrrpTimer.ADVERTISEMENT)).isNull();
      assertThat(h.armed(VrrpTimer.GARP_SECOND_BURST)).isNull();
      assertThat(h.lastOf(VrrpAction.StateChanged.class).get(0).reason())
          .isEqualTo("tracked check_nginx DOWN (weight 0)");
    }

    @Test
    @DisplayName(
        "FAULT ignores advertisements and runs no timer; recovery enters BACKUP with a fresh "
            + "Master_Down_Interval")
    void faultAndRecovery() {
      RouterHarness h = RouterHarness.started(config(100).track("check_nginx", 0).build());
      h.advanceTo(SECOND);
      h.health("check_nginx", DOWN);
      assertThat(h.state()).isEqualTo(VrrpState.FAULT);
      assertThat(h.armed(VrrpTimer.MASTER_DOWN)).isNull();
      assertThat(h.receive(PEER_HIGHER_ADDRESS, 0)).isEmpty();
      h.advanceTo(20 * SECOND);
      assertThat(h.state()).isEqualTo(VrrpState.FAULT);

      h.health("check_nginx", UP);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(20 * SECOND + MDI_100);
    }

    @Test
    @DisplayName("an input already DOWN at start starts the router in FAULT")
    void startInFault() {
      RouterHarness h = new RouterHarness(config(100).track("check_nginx", 0).build());
      assertThat(h.health("check_nginx", DOWN)).isEmpty();
      h.feed(VrrpInput.start());
      assertThat(h.state()).isEqualTo(VrrpState.FAULT);
    }

    @Test
    @DisplayName(
        "interface down: FAULT without a priority-0 advert (it could not leave the interface); "
            + "interface up: BACKUP")
    void interfaceDownAndUp() {
      RouterHarness h = RouterHarness.started(config(100).build());
      h.advanceTo(MDI_100);
      h.feed(VrrpInput.interfaceUp(false));
      assertThat(h.state()).isEqualTo(VrrpState.FAULT);
      assertThat(h.sentPriorities()).isEmpty();
      assertThat(h.lastOf(VrrpAction.RemoveVirtualAddresses.class)).hasSize(1);
      assertThat(h.feed(VrrpInput.interfaceUp(false))).isEmpty();

      h.advanceTo(10 * SECOND);
      h.feed(VrrpInput.interfaceUp(true));
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(10 * SECOND + MDI_100);
    }

    @Test
    @DisplayName("an owner leaving FAULT goes straight back to MASTER")
    void ownerLeavesFaultAsMaster() {
      RouterHarness h = RouterHarness.started(config(255).track("check_nginx", 0).build());
      h.health("check_nginx", DOWN);
      assertThat(h.state()).isEqualTo(VrrpState.FAULT);
      assertThat(h.sentPriorities()).containsExactly(0);
      h.health("check_nginx", UP);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.sentPriorities()).containsExactly(255);
    }

    @Test
    @DisplayName("inputs the router does not track are ignored")
    void unknownInputIgnored() {
      RouterHarness h = RouterHarness.started(config(100).build());
      assertThat(h.health("other", DOWN)).isEmpty();
    }
  }

  @Nested
  @DisplayName("preemption: nopreempt, preempt_delay, state MASTER")
  class Preemption {

    @Test
    @DisplayName("nopreempt: a higher-priority backup never takes over from a live lower master")
    void nopreemptNeverTakesOver() {
      RouterHarness h = RouterHarness.started(config(200).preempt(false).build());
      for (int s = 1; s <= 30; s++) {
        h.advanceTo(s * SECOND);
        h.receive(PEER_HIGHER_ADDRESS, 50);
      }
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      h.advanceTo(30 * SECOND + VrrpTiming.masterDownInterval(1, 200).toNanos());
      assertThat(h.state())
          .as("takes over once the master falls silent")
          .isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "preempt_delay: lower adverts are accepted until the delay since the first one has run")
    void preemptDelay() {
      // keepalived.conf(5): advert_int 1, priority 128 -> takes over after the delay plus
      // Master_Down_Interval
      RouterHarness h =
          RouterHarness.started(config(128).preemptDelay(Duration.ofSeconds(2)).build());
      long mdi128 = VrrpTiming.masterDownInterval(1, 128).toNanos(); // 3.5 s
      h.advanceTo(500_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 100); // starts the 2 s delay, accepted
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(500_000_000L + mdi128);
      h.advanceTo(1_500_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 100); // within the delay: accepted
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(1_500_000_000L + mdi128);
      h.advanceTo(2_500_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 100); // the delay has run: discarded
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(1_500_000_000L + mdi128);
      h.advanceTo(3_500_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 100);
      h.advanceTo(1_500_000_000L + mdi128);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "preempt_delay: an equal or higher advert stops the delay; the next lower one restarts it")
    void preemptDelayRestarts() {
      RouterHarness h =
          RouterHarness.started(config(128).preemptDelay(Duration.ofSeconds(2)).build());
      h.receive(PEER_HIGHER_ADDRESS, 100); // delay runs until 2 s
      h.advanceTo(SECOND);
      h.receive(PEER_HIGHER_ADDRESS, 200); // stops it
      h.advanceTo(2_500_000_000L);
      h.receive(PEER_HIGHER_ADDRESS, 100); // restarts: accepted until 4.5 s
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(2_500_000_000L + 3_500_000_000L);
    }

    @Test
    @DisplayName(
        "keepalived corrections: nopreempt with state MASTER or on the owner is cleared; "
            + "preempt_delay with nopreempt or state MASTER is cleared")
    void configCorrections() {
      VrrpRouterConfig master =
          config(100)
              .initialState(VrrpRouterConfig.InitialState.MASTER)
              .preempt(false)
              .preemptDelay(Duration.ofSeconds(3))
              .build();
      assertThat(master.preempt()).isTrue();
      assertThat(master.preemptDelay()).isZero();
      assertThat(master.warnings()).hasSize(2);

      VrrpRouterConfig owner = config(255).preempt(false).build();
      assertThat(owner.preempt()).isTrue();
      assertThat(owner.initialState()).isEqualTo(VrrpRouterConfig.InitialState.MASTER);

      VrrpRouterConfig both =
          config(100).preempt(false).preemptDelay(Duration.ofSeconds(3)).build();
      assertThat(both.preempt()).isFalse();
      assertThat(both.preemptDelay()).isZero();
      assertThat(both.warnings())
          .singleElement()
          .asString()
          .contains("incompatible with nopreempt");
    }

    @Test
    @DisplayName(
        "state MASTER on a non-owner (keepalived 2.2.7): start in BACKUP, master after a full "
            + "Master_Down_Interval without adverts")
    void stateMasterNonOwner() {
      RouterHarness h =
          RouterHarness.started(
              config(100).initialState(VrrpRouterConfig.InitialState.MASTER).build());
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.lastOf(VrrpAction.StateChanged.class).get(0).reason())
          .isEqualTo(
              "start: waiting Master_Down_Interval 3.609 s for a master"
                  + " (state MASTER: a non-owner still starts as BACKUP, as keepalived does)");
      h.advanceTo(MDI_100);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }
  }

  @Nested
  @DisplayName("gratuitous ARP bursts (garp_master_delay, garp_master_repeat, garp_master_refresh)")
  class Garp {

    @Test
    @DisplayName("defaults: 5 at once, 5 more after 5 s, no refresh")
    void defaults() {
      RouterHarness h = RouterHarness.started(config(100).build());
      h.advanceTo(MDI_100);
      assertThat(h.lastOf(VrrpAction.SendGratuitousArp.class))
          .singleElement()
          .extracting(VrrpAction.SendGratuitousArp::count)
          .isEqualTo(5);
      assertThat(h.due(VrrpTimer.GARP_SECOND_BURST)).isEqualTo(MDI_100 + 5 * SECOND);
      assertThat(h.armed(VrrpTimer.GARP_REFRESH)).isNull();
      h.advanceTo(MDI_100 + 5 * SECOND);
      assertThat(h.lastOf(VrrpAction.SendGratuitousArp.class))
          .singleElement()
          .extracting(VrrpAction.SendGratuitousArp::count)
          .isEqualTo(5);
      h.advanceTo(MDI_100 + 60 * SECOND);
      assertThat(h.all().stream().filter(a -> a instanceof VrrpAction.SendGratuitousArp).count())
          .isEqualTo(2);
    }

    @Test
    @DisplayName("refresh: repeats every period while master, stops on leaving master")
    void refresh() {
      RouterHarness h =
          RouterHarness.started(
              config(100)
                  .garpMasterDelay(Duration.ZERO)
                  .garpMasterRefresh(Duration.ofSeconds(10))
                  .garpMasterRefreshRepeat(2)
                  .build());
      h.advanceTo(MDI_100);
      assertThat(h.armed(VrrpTimer.GARP_SECOND_BURST)).isNull();
      h.advanceTo(MDI_100 + 10 * SECOND);
      assertThat(h.lastOf(VrrpAction.SendGratuitousArp.class))
          .singleElement()
          .extracting(VrrpAction.SendGratuitousArp::count)
          .isEqualTo(2);
      assertThat(h.due(VrrpTimer.GARP_REFRESH)).isEqualTo(MDI_100 + 20 * SECOND);
      h.receive(PEER_HIGHER_ADDRESS, 200);
      assertThat(h.armed(VrrpTimer.GARP_REFRESH)).isNull();
    }

    @Test
    @DisplayName("a master that leaves before the second burst does not send it")
    void secondBurstCancelled() {
      RouterHarness h = RouterHarness.started(config(100).build());
      h.advanceTo(MDI_100);
      h.receive(PEER_HIGHER_ADDRESS, 200);
      assertThat(h.lastOf(VrrpAction.CancelTimer.class))
          .contains(new VrrpAction.CancelTimer(VrrpTimer.GARP_SECOND_BURST));
    }
  }

  @Nested
  @DisplayName("timer hygiene and API misuse")
  class Hygiene {

    @Test
    @DisplayName("a stale timer firing (re-armed since) changes nothing")
    void staleAfterRearm() {
      RouterHarness h = RouterHarness.started(config(100).build());
      VrrpAction.ArmTimer first = h.armed(VrrpTimer.MASTER_DOWN);
      h.advanceTo(SECOND);
      h.receive(PEER_HIGHER_ADDRESS, 150); // re-arms with a new token
      assertThat(h.armed(VrrpTimer.MASTER_DOWN).token()).isNotEqualTo(first.token());

      assertThat(h.feed(first.expiry())).isEmpty();
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    @DisplayName(
        "a steady backup's Master_Down re-arm repeats (same token, same list); a firing of an"
            + " earlier arming of that token re-arms for the rest, and the deadline still holds")
    void steadyBackupRearmRepeatsAndEarlierFiringsWaitForTheDeadline() {
      RouterHarness h = RouterHarness.started(config(100).build());
      h.advanceTo(SECOND);
      List<VrrpAction> first = h.receive(PEER_HIGHER_ADDRESS, 150);
      VrrpAction.ArmTimer arm = h.armed(VrrpTimer.MASTER_DOWN);
      h.advanceTo(2 * SECOND);
      List<VrrpAction> second = h.receive(PEER_HIGHER_ADDRESS, 150);
      h.advanceTo(3 * SECOND);
      List<VrrpAction> third = h.receive(PEER_HIGHER_ADDRESS, 150);
      assertThat(first).containsExactly(arm);
      assertThat(second).isSameAs(third).containsExactly(arm);
      assertThat(h.router.snapshot()).isSameAs(h.router.snapshot());

      // the arming made at 1 s fires at its own time, before the live deadline (3 s + MDI)
      h.advanceTo(SECOND + MDI_100);
      List<VrrpAction> early = h.feed(arm.expiry());
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(early).hasSize(1);
      VrrpAction.ArmTimer rest = (VrrpAction.ArmTimer) early.get(0);
      assertThat(rest.timer()).isEqualTo(VrrpTimer.MASTER_DOWN);
      assertThat(rest.token()).isNotEqualTo(arm.token());
      assertThat(rest.delay().toNanos()).isEqualTo(2 * SECOND);
      assertThat(h.feed(arm.expiry())).as("the old token is stale now").isEmpty();

      h.advanceTo(3 * SECOND + MDI_100 - 1);
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      h.advanceTo(3 * SECOND + MDI_100);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName(
        "a steady master's Adver_Timer output repeats (same token); an earlier mastership's expiry"
            + " stays stale")
    void steadyTickRepeatsAndEarlierExpiriesStayStale() {
      RouterHarness h = RouterHarness.started(config(100).build());
      h.advanceTo(MDI_100);
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      VrrpAction.ArmTimer arm = h.armed(VrrpTimer.ADVERTISEMENT);
      List<VrrpAction> first = h.feed(arm.expiry());
      assertThat(h.armed(VrrpTimer.ADVERTISEMENT).token()).isEqualTo(arm.token());
      List<VrrpAction> second = h.feed(arm.expiry());
      List<VrrpAction> third = h.feed(arm.expiry());
      assertThat(second).isEqualTo(first).isSameAs(third);
      assertThat(h.router.snapshot()).isSameAs(h.router.snapshot());

      h.receive(PEER_HIGHER_ADDRESS, 200); // -> BACKUP: the Adver_Timer is cancelled
      assertThat(h.feed(arm.expiry())).isEmpty();
      h.advanceTo(h.due(VrrpTimer.MASTER_DOWN)); // that master went silent: MASTER again
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
      assertThat(h.armed(VrrpTimer.ADVERTISEMENT).token()).isNotEqualTo(arm.token());
      assertThat(h.feed(arm.expiry())).isEmpty();
      assertThat(h.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    @DisplayName("a stale timer firing (cancelled since) changes nothing, in any state")
    void staleAfterCancel() {
      RouterHarness h = RouterHarness.started(config(100).build());
      VrrpAction.ArmTimer down = h.armed(VrrpTimer.MASTER_DOWN);
      h.advanceTo(MDI_100);
      VrrpAction.ArmTimer advert = h.armed(VrrpTimer.ADVERTISEMENT);
      VrrpAction.ArmTimer garp = h.armed(VrrpTimer.GARP_SECOND_BURST);
      assertThat(h.feed(down.expiry())).isEmpty(); // already fired
      h.receive(PEER_HIGHER_ADDRESS, 200); // -> BACKUP, cancels the master's timers
      assertThat(h.feed(advert.expiry())).isEmpty();
      assertThat(h.feed(garp.expiry())).isEmpty();
      h.feed(VrrpInput.shutdown());
      assertThat(h.feed(VrrpInput.timerExpired(VrrpTimer.MASTER_DOWN, 12345))).isEmpty();
      assertThat(h.state()).isEqualTo(VrrpState.INITIALIZE);
    }

    @Test
    @DisplayName("start twice changes nothing; stop then start runs again")
    void restart() {
      RouterHarness h = RouterHarness.started(config(100).build());
      assertThat(h.feed(VrrpInput.start())).isEmpty();
      h.feed(VrrpInput.shutdown());
      h.advanceTo(5 * SECOND);
      h.feed(VrrpInput.start());
      assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
      assertThat(h.due(VrrpTimer.MASTER_DOWN)).isEqualTo(5 * SECOND + MDI_100);
    }

    @Test
    @DisplayName("time going backwards is API misuse")
    void timeBackwards() {
      VrrpStateMachine router = VrrpStateMachine.create(config(100).build());
      router.handle(10, VrrpInput.start());
      assertThatThrownBy(() -> router.handle(9, VrrpInput.shutdown()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("monotonic");
    }

    @Test
    @DisplayName("config misuse names the allowed range")
    void configRanges() {
      assertThatThrownBy(() -> VrrpRouterConfig.builder().virtualRouterId(0))
          .hasMessage("virtual_router_id must be 1-255, got 0");
      assertThatThrownBy(() -> VrrpRouterConfig.builder().priority(256))
          .hasMessage("priority must be 1-255, got 256");
      assertThatThrownBy(() -> VrrpRouterConfig.builder().preemptDelay(Duration.ofSeconds(1001)))
          .hasMessageContaining("0-1000 s");
      assertThatThrownBy(() -> new TrackedInput("x", 254)).hasMessageContaining("-253..253");
      assertThatThrownBy(() -> VrrpRouterConfig.builder().virtualRouterId(1).build())
          .hasMessageContaining("primary address is required");
      assertThatThrownBy(() -> config(100).track("a", 1).track("a", 2).build())
          .hasMessageContaining("'a' given twice");
    }

    @Test
    @DisplayName("defaults are keepalived's")
    void defaults() {
      VrrpRouterConfig c =
          VrrpRouterConfig.builder().virtualRouterId(51).primaryAddress(RouterHarness.SELF).build();
      assertThat(c.priority()).isEqualTo(100);
      assertThat(c.advertIntervalSeconds()).isEqualTo(1);
      assertThat(c.preempt()).isTrue();
      assertThat(c.preemptDelay()).isZero();
      assertThat(c.initialState()).isEqualTo(VrrpRouterConfig.InitialState.BACKUP);
      assertThat(c.garpMasterDelay()).isEqualTo(Duration.ofSeconds(5));
      assertThat(c.garpMasterRepeat()).isEqualTo(5);
      assertThat(c.garpMasterRefresh()).isZero();
      assertThat(c.garpMasterRefreshRepeat()).isEqualTo(1);
      assertThat(c.advertiseOnLowerPriority()).isTrue();
      assertThat(c.instanceName()).isEqualTo("VRID_51");
      assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
      assertThat(c.toBuilder().priority(101).build()).isNotEqualTo(c);
    }
  }
}
