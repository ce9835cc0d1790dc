package org.ha4j.vrrp.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpTiming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VRRPv3 on the virtual LAN, in virtual time, with the invariants checked after every event:
 * takeover exactly at RFC 9568's Master_Down_Interval from 10 ms to 40.95 s, backups that learn the
 * master's interval, and VRRPv2 and VRRPv3 routers on one VRID that drop each other's adverts by
 * name instead of both becoming master silently.
 */
class Vrrp3SimulationTest {

  static VrrpRouterConfig.Builder v3(String address, int priority, Duration interval) {
    return VrrpRouterConfig.builder()
        .instanceName("VI_1")
        .virtualRouterId(51)
        .priority(priority)
        .primaryAddress(Ipv4Address.parse(address))
        .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
        .version(3)
        .advertInterval(interval);
  }

  /** Remembers when the last advert reached each router. */
  static final class LastArrival implements SimulationListener {
    final List<String> drops = new ArrayList<>();
    long toLb2;
    int lb2Takeovers;

    @Override
    public void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {
      if (router.name().equals("LB2")
          && action instanceof VrrpAction.StateChanged changed
          && changed.to() == VrrpState.MASTER) {
        lb2Takeovers++;
      }
    }

    @Override
    public void onDelivery(
        long nowNanos, SimulatedRouter from, SimulatedRouter to, VrrpAdvertisement advertisement) {
      if (to.name().equals("LB2")) {
        toLb2 = nowNanos;
      }
    }

    @Override
    public void onDrop(long nowNanos, SimulatedRouter from, SimulatedRouter to, String why) {
      drops.add(to.name() + " " + why);
    }
  }

  @ParameterizedTest(name = "advert_int {0} ms")
  @ValueSource(longs = {10, 20, 50, 100, 1000, 2500, 40_950})
  void aCrashedMasterIsReplacedExactlyAfterMasterDownInterval(long intervalMillis) {
    Duration interval = Duration.ofMillis(intervalMillis);
    LastArrival arrivals = new LastArrival();
    VirtualLan lan = VirtualLan.builder(intervalMillis).listener(arrivals).build();
    SimulatedRouter lb1 = lan.addRouter("LB1", v3("10.200.0.10", 100, interval).build());
    SimulatedRouter lb2 = lan.addRouter("LB2", v3("10.200.0.11", 90, interval).build());
    lb1.start();
    lb2.start();
    lan.runFor(interval.multipliedBy(50));
    assertThat(lan.master(51)).contains(lb1);
    assertThat(lb2.snapshot().masterAdverInterval()).isEqualTo(interval);

    lb1.crash();
    long takeover = arrivals.toLb2 + VrrpTiming.v3MasterDownInterval(interval, 90).toNanos();
    lan.runUntil(takeover - 1);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    lan.runUntil(takeover);
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);
    assertThat(lb2.holdsVirtualAddresses()).isTrue();
    assertThat(arrivals.drops).isEmpty();
  }

  @Test
  void aBackupConfiguredFasterLearnsTheMastersIntervalAndWaitsForIt() {
    LastArrival arrivals = new LastArrival();
    VirtualLan lan = VirtualLan.builder(7).listener(arrivals).build();
    SimulatedRouter lb1 =
        lan.addRouter("LB1", v3("10.200.0.10", 100, Duration.ofMillis(50)).build());
    SimulatedRouter lb2 =
        lan.addRouter("LB2", v3("10.200.0.11", 90, Duration.ofMillis(10)).build());
    lb1.start();
    lan.runFor(Duration.ofMillis(500));
    lb2.start();
    // at its own 10 ms, LB2 would take over between LB1's adverts; it learns 50 ms instead
    lan.runFor(Duration.ofSeconds(30));
    assertThat(lan.master(51)).contains(lb1);
    assertThat(lb2.snapshot().masterAdverInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(arrivals.lb2Takeovers).as("LB2 never took over from a live LB1").isZero();

    lb1.crash();
    long takeover =
        arrivals.toLb2 + VrrpTiming.v3MasterDownInterval(Duration.ofMillis(50), 90).toNanos();
    lan.runUntil(takeover - 1);
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
    lan.runUntil(takeover);
    assertThat(lb2.state()).isEqualTo(VrrpState.MASTER);

    // LB1 comes back and preempts; LB2 learns 50 ms again from its adverts
    lb1.start();
    lan.runFor(Duration.ofSeconds(5));
    assertThat(lan.master(51)).contains(lb1);
    assertThat(lb2.snapshot().masterAdverInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void versionTwoAndThreeOnOneVridDropEachOthersAdvertsByName() {
    LastArrival arrivals = new LastArrival();
    VirtualLan lan = VirtualLan.builder(8).listener(arrivals).build();
    SimulatedRouter v2 =
        lan.addRouter(
            "LB1",
            v3("10.200.0.10", 100, Duration.ofSeconds(1))
                .version(2)
                .advertIntervalSeconds(1)
                .build());
    SimulatedRouter v3 =
        lan.addRouter("LB2", v3("10.200.0.11", 90, Duration.ofMillis(100)).build());
    v2.start();
    v3.start();
    lan.runFor(Duration.ofSeconds(30));

    // they cannot obey each other, so both are master; but never silently
    assertThat(v2.state()).isEqualTo(VrrpState.MASTER);
    assertThat(v3.state()).isEqualTo(VrrpState.MASTER);
    assertThat(v2.drops()).containsOnlyKeys("VERSION_NOT_2");
    assertThat(v3.drops()).containsOnlyKeys("VERSION_NOT_3");
    assertThat(v2.drops().get("VERSION_NOT_2")).isGreaterThan(200); // LB2's 10 adverts a second
    assertThat(v3.drops().get("VERSION_NOT_3")).isGreaterThan(20);
    assertThat(arrivals.drops).contains("LB1 VERSION_NOT_2", "LB2 VERSION_NOT_3");
    lan.checkInvariants();
  }

  @Test
  void seededRandomRunsAtEveryVrrpv3TimeScaleKeepTheInvariants() {
    long events = 0;
    long stableChecks = 0;
    for (long seed = 1; seed <= 150; seed++) {
      RandomFaultScenario.Outcome outcome =
          RandomFaultScenario.run(
              seed, 20, RandomFaultScenario.Versions.V3, new SimulationListener() {});
      events += outcome.events();
      stableChecks += outcome.stableChecks();
    }
    assertThat(events / 150).isGreaterThan(200);
    assertThat(stableChecks).isGreaterThan(150);
  }

  @Test
  void seededRandomRunsOfMixedVersionsKeepTheInvariants() {
    long stableChecks = 0;
    for (long seed = 1; seed <= 150; seed++) {
      stableChecks +=
          RandomFaultScenario.run(
                  seed, 20, RandomFaultScenario.Versions.MIXED, new SimulationListener() {})
              .stableChecks();
    }
    assertThat(stableChecks).isGreaterThan(150);
  }
}
