package org.ha4j.vrrp.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.junit.jupiter.api.Test;

class VirtualLanTest {

  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  static VrrpRouterConfig.Builder lb(String address, int priority) {
    return VrrpRouterConfig.builder()
        .instanceName("VI_1")
        .virtualRouterId(51)
        .priority(priority)
        .primaryAddress(Ipv4Address.parse(address))
        .authentication(VrrpAuthentication.password("1111"))
        .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
        .track("check_nginx", 0);
  }

  @Test
  void referenceStoryTimings() {
    VirtualLan lan = VirtualLan.builder(1).build(); // perfect network, 1 ms delay
    SimulatedRouter lb1 =
        lan.addRouter(
            "LB1",
            lb("10.200.0.10", 100).initialState(VrrpRouterConfig.InitialState.MASTER).build());
    SimulatedRouter lb2 = lan.addRouter("LB2", lb("10.200.0.11", 90).build());
    lb1.start();
    lb2.start();

    lan.runUntil(3_609_375_000L - 1);
    assertThat(lb1.state()).isEqualTo(VrrpState.BACKUP);
    lan.runUntil(3_609_375_000L);
    assertThat(lb1.state()).isEqualTo(VrrpState.MASTER);
    assertThat(lb1.holdsVirtualAddresses()).isTrue();

    lan.runUntil(10 * S);
    lb1.setHealth("check_nginx", HealthStatus.DOWN); // weight 0: FAULT, priority-0 advert
    assertThat(lb1.state()).isEqualTo(VrrpState.FAULT);
    assertThat(lb1.holdsVirtualAddresses()).isFalse();
    // LB2 hears the resignation after 1 ms and takes over after its Skew_Time (166/256 s)
    lan.runUntil(10 * S + MS + 648_437_500L - 1);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    lan.runUntil(10 * S + MS + 648_437_500L);
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);

    lan.runUntil(20 * S);
    lb1.setHealth("check_nginx", HealthStatus.UP);
    lan.runUntil(20 * S + 3_609_375_000L);
    assertThat(lb1.state())
        .as("preempts LB2 after its Master_Down_Interval")
        .isEqualTo(VrrpState.MASTER);
    lan.runUntil(20 * S + 3_609_375_000L + MS);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(lb2.holdsVirtualAddresses()).isFalse();

    lan.runUntil(30 * S);
    lb1.crash();
    // LB1's last advert left at 29.609375 s, reached LB2 1 ms later; Master_Down_Interval(90) =
    // 3.6484375 s
    long takeover = 29_609_375_000L + MS + 3_648_437_500L;
    lan.runUntil(takeover - 1);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    lan.runUntil(takeover);
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);
    assertThat(lan.master(51)).contains(lb2);
  }

  @Test
  void partitionGivesTwoMastersAndHealingLeavesTheHigherOne() {
    VirtualLan lan = VirtualLan.builder(2).build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).build());
    SimulatedRouter lb2 = lan.addRouter("LB2", lb("10.200.0.11", 90).build());
    lb1.start();
    lb2.start();
    lan.runFor(Duration.ofSeconds(10));
    lan.partition(List.of(lb1));
    lan.runFor(Duration.ofSeconds(10));
    assertThat(lb1.state()).isEqualTo(VrrpState.MASTER);
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);
    assertThat(lb1.holdsVirtualAddresses()).isTrue();
    assertThat(lb2.holdsVirtualAddresses()).as("split brain: both hold the VIP").isTrue();

    long healed = lan.nowNanos();
    lan.heal();
    // at most one interval until one of them advertises, plus 1 ms
    lan.runUntil(healed + S + MS);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(lan.master(51)).contains(lb1);
  }

  @Test
  void nopreemptKeepsTheCurrentMaster() {
    VirtualLan lan = VirtualLan.builder(3).build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).preempt(false).build());
    SimulatedRouter lb2 = lan.addRouter("LB2", lb("10.200.0.11", 90).preempt(false).build());
    lb2.start();
    lan.runFor(Duration.ofSeconds(5));
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);
    lb1.start();
    lan.runFor(Duration.ofSeconds(60));
    assertThat(lan.master(51)).contains(lb2);
    assertThat(lb1.state()).isEqualTo(VrrpState.BACKUP);

    lb2.stop(); // a clean stop: LB1 takes over after its Skew_Time
    lan.runFor(Duration.ofNanos(1_000_000 + 609_375_000));
    assertThat(lan.master(51)).contains(lb1);
  }

  @Test
  void twoVirtualRoutersShareTheLan() {
    VirtualLan lan = VirtualLan.builder(4).build();
    SimulatedRouter a1 = lan.addRouter("A1", lb("10.200.0.10", 100).build());
    SimulatedRouter a2 = lan.addRouter("A2", lb("10.200.0.11", 90).build());
    SimulatedRouter b1 =
        lan.addRouter(
            "B1",
            lb("10.200.0.10", 90)
                .virtualRouterId(52)
                .virtualAddresses(List.of(Ipv4Cidr.parse("10.200.0.101/24")))
                .build());
    SimulatedRouter b2 =
        lan.addRouter(
            "B2",
            lb("10.200.0.11", 100)
                .virtualRouterId(52)
                .virtualAddresses(List.of(Ipv4Cidr.parse("10.200.0.101/24")))
                .build());
    lan.routers().forEach(SimulatedRouter::start);
    lan.runFor(Duration.ofSeconds(20));
    assertThat(lan.master(51)).contains(a1);
    assertThat(lan.master(52)).contains(b2);
    assertThat(a2.state()).isEqualTo(VrrpState.BACKUP);
    assertThat(b1.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void staleTimersThatStillFireChangeNothing() {
    VirtualLan lan =
        VirtualLan.builder(5)
            .staleTimerProbability(1.0)
            .conditions(
                new NetworkConditions(0.05, Duration.ofMillis(1), Duration.ofMillis(30), 0.05))
            .build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).build());
    SimulatedRouter lb2 = lan.addRouter("LB2", lb("10.200.0.11", 90).build());
    lb1.start();
    lb2.start();
    lan.runFor(Duration.ofSeconds(30));
    lan.setConditions(NetworkConditions.perfect(Duration.ofMillis(1)));
    lan.runFor(lan.stabilisationWindow().plusSeconds(1));
    assertThat(lan.master(51)).contains(lb1);
    assertThat(lan.stableChecks()).isPositive();
  }

  @Test
  void twoAddressOwnersBreakTheOneMasterInvariantWithTheSeedInTheMessage() {
    // RFC 3768 §7.1: an owner discards every advertisement, so two owners both stay master forever.
    VirtualLan lan = VirtualLan.builder(777).build();
    lan.addRouter("LB1", lb("10.200.0.10", 255).build()).start();
    lan.addRouter("LB2", lb("10.200.0.11", 255).build()).start();

    assertThatThrownBy(() -> lan.runFor(Duration.ofSeconds(30)))
        .isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("with seed 777")
        .hasMessageContaining("VRID 51 has 2 masters [LB1, LB2]")
        .satisfies(e -> assertThat(((InvariantViolation) e).seed()).isEqualTo(777));
  }

  @Test
  void anIntervalMismatchIsCaughtAsASplitBrain() {
    // RFC 3768 §7.1: a mismatching Adver Int MUST be discarded, so neither hears the other
    VirtualLan lan = VirtualLan.builder(8).build();
    lan.addRouter("LB1", lb("10.200.0.10", 100).build()).start();
    lan.addRouter("LB2", lb("10.200.0.11", 90).advertIntervalSeconds(2).build()).start();
    assertThatThrownBy(() -> lan.runFor(Duration.ofSeconds(60)))
        .isInstanceOf(InvariantViolation.class)
        .hasMessageContaining(
            "LB2 became MASTER while LB1 (priority 100) has been MASTER and heard");
  }

  @Test
  void aMachineThatKeepsItsAddressesBreaksTheVipInvariant() {
    VirtualLan lan =
        VirtualLan.builder(10)
            .stateMachines(config -> new KeepsAddresses(VrrpStateMachine.create(config)))
            .build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).build());
    lan.addRouter("LB2", lb("10.200.0.11", 90).build()).start();
    lan.runFor(Duration.ofSeconds(5)); // LB2 is master
    lb1.start();
    assertThatThrownBy(() -> lan.runFor(Duration.ofSeconds(10)))
        .isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("LB2 holds the virtual addresses while BACKUP")
        .hasMessageContaining("with seed 10");
  }

  /** A broken state machine: it never asks for its virtual addresses to be removed. */
  record KeepsAddresses(VrrpStateMachine delegate) implements VrrpStateMachine {
    @Override
    public List<VrrpAction> handle(long nowNanos, VrrpInput input) {
      return delegate.handle(nowNanos, input).stream()
          .filter(a -> !(a instanceof VrrpAction.RemoveVirtualAddresses))
          .toList();
    }

    @Override
    public VrrpSnapshot snapshot() {
      return delegate.snapshot();
    }

    @Override
    public VrrpRouterConfig config() {
      return delegate.config();
    }
  }

  @Test
  void timelineShowsTheNotableEventsOnly() {
    Timeline timeline = new Timeline();
    VirtualLan lan = VirtualLan.builder(11).listener(timeline).build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).build());
    lb1.start();
    lan.runFor(Duration.ofSeconds(20));
    lb1.stop();
    assertThat(timeline.lines())
        .containsExactly(
            "  0.000000 s  --    LB1 starts",
            "  0.000000 s  LB1   INITIALIZE -> BACKUP (start: waiting Master_Down_Interval 3.609 s for a master)",
            "  3.609375 s  LB1   adds 10.200.0.100/24",
            "  3.609375 s  LB1   gratuitous ARP x5 for 10.200.0.100/24",
            "  3.609375 s  LB1   BACKUP -> MASTER (no advertisement for Master_Down_Interval 3.609 s)",
            "  8.609375 s  LB1   gratuitous ARP x5 for 10.200.0.100/24",
            " 20.000000 s  --    LB1 stops",
            " 20.000000 s  LB1   advertises priority 0 (resigns)",
            " 20.000000 s  LB1   removes 10.200.0.100/24",
            " 20.000000 s  LB1   MASTER -> INITIALIZE (shutdown: resigned with a priority 0 advertisement)");
    assertThat(lb1.advertisementsSent())
        .isEqualTo(18); // 3.6 s, then 4.6 ... 19.6 s, then priority 0
    assertThat(lb1.gratuitousArpsSent()).isEqualTo(10);
  }

  @Test
  void misuseIsRejected() {
    VirtualLan lan = VirtualLan.builder(9).build();
    SimulatedRouter lb1 = lan.addRouter("LB1", lb("10.200.0.10", 100).build());
    assertThatThrownBy(() -> lan.addRouter("LB1", lb("10.200.0.11", 90).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> lb1.setHealth("nope", HealthStatus.DOWN))
        .hasMessageContaining("tracks no input named nope");
    assertThatThrownBy(() -> new NetworkConditions(1.5, Duration.ZERO, Duration.ZERO, 0))
        .hasMessageContaining("0-1");
    assertThatThrownBy(() -> lan.router("LB9")).hasMessageContaining("no router named LB9");
  }
}
