package org.ha4j.vrrp.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 1,000 reloads of a master and a backup, alternating two configurations, on the seeded virtual
 * LAN: no transition, exactly one master holding exactly its configured addresses at every step.
 */
class ReconfigureSimulationTest {

  static final Ipv4Cidr A = Ipv4Cidr.parse("10.200.0.101/32");
  static final Ipv4Cidr B = Ipv4Cidr.parse("10.200.0.102/32");
  static final Ipv4Cidr C = Ipv4Cidr.parse("10.200.0.103/32");

  static VrrpRouterConfig config(
      int version, String address, int priority, Duration interval, List<Ipv4Cidr> vips) {
    VrrpRouterConfig.Builder b =
        VrrpRouterConfig.builder()
            .instanceName("VI_1")
            .version(version)
            .virtualRouterId(51)
            .priority(priority)
            .advertInterval(interval)
            .primaryAddress(Ipv4Address.parse(address))
            .virtualAddresses(vips)
            .track("check_nginx", 0);
    if (version == VrrpWireFormat.VERSION) {
      b.authentication(VrrpAuthentication.password("1111"));
    }
    return b.build();
  }

  @ParameterizedTest(name = "VRRPv{0}, seed {1}")
  @CsvSource({"2, 13", "3, 14"})
  void thousandAlternatingReconfiguresCauseNoTransition(int version, long seed) {
    List<String> transitions = new ArrayList<>();
    VirtualLan lan =
        VirtualLan.builder(seed)
            .conditions(new NetworkConditions(0, Duration.ofMillis(1), Duration.ofMillis(5), 0))
            .listener(
                new SimulationListener() {
                  @Override
                  public void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {
                    if (action instanceof VrrpAction.StateChanged changed) {
                      transitions.add(router.name() + " " + changed);
                    }
                  }
                })
            .build();
    Duration slow = Duration.ofSeconds(2);
    Duration fast =
        version == VrrpWireFormat.VERSION ? Duration.ofSeconds(1) : Duration.ofMillis(500);
    VrrpRouterConfig[] master = {
      config(version, "10.200.0.10", 100, fast, List.of(A, B)),
      config(version, "10.200.0.10", 110, slow, List.of(B, C))
    };
    VrrpRouterConfig[] backup = {
      config(version, "10.200.0.11", 90, fast, List.of(A, B)),
      config(version, "10.200.0.11", 95, slow, List.of(B, C))
    };
    SimulatedRouter lb1 = lan.addRouter("LB1", master[0]);
    SimulatedRouter lb2 = lan.addRouter("LB2", backup[0]);
    lb1.start();
    lan.runFor(Duration.ofSeconds(5));
    lb2.start();
    lan.runFor(Duration.ofSeconds(10));
    assertThat(lan.master(51)).contains(lb1);
    transitions.clear();
    SplittableRandom random = new SplittableRandom(seed);

    for (int step = 1; step <= 1000; step++) {
      int which = step % 2;
      // a VRRPv2 peer drops adverts of another interval (RFC 3768 §7.1): both reload at once
      lb1.reconfigure(master[which]);
      lb2.reconfigure(backup[which]);
      lan.runFor(Duration.ofMillis(50 + random.nextInt(3000)));
      assertThat(lan.routers().stream().filter(r -> r.state() == VrrpState.MASTER))
          .as("step %d", step)
          .containsExactly(lb1);
      assertThat(lb1.addressesHeld())
          .as("step %d", step)
          .hasSameElementsAs(master[which].heldAddresses());
      assertThat(lb2.addressesHeld()).as("step %d", step).isEmpty();
      assertThat(lb1.effectivePriority()).isEqualTo(master[which].priority());
    }

    assertThat(transitions).isEmpty();
    assertThat(lb2.state()).isEqualTo(VrrpState.BACKUP);
  }
}
