package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.vrrp.VrrpTestbed.awaitState;
import static org.ha4j.examples.vrrp.VrrpTestbed.transitionTime;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ha4j <-> ha4j on a namespace LAN: election, crash, graceful handover, preemption, link down. */
class VrrpFailoverIT {

  /** RFC 3768 §6.1 for priority 90, advert_int 1: 3 + 166/256 s. */
  private static final long MASTER_DOWN_90_MICROS = 3_648_438;

  /** Skew_Time for priority 90: 166/256 s. */
  private static final long SKEW_90_MICROS = 648_438;

  private VrrpTestbed bed;

  @BeforeEach
  void testbed() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    bed = new VrrpTestbed();
  }

  @AfterEach
  void teardown() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void electsTheHigherPriorityThenSurvivesSigkillOfTheMasterAndPreemptsWhenItReturns()
      throws Exception {
    bed.startNameServer(bed.lb1);
    bed.startNameServer(bed.lb2);
    NetnsProcess lb1 = bed.startNode(bed.lb1, 100);
    NetnsProcess lb2 = bed.startNode(bed.lb2, 90);
    awaitState(lb1, "MASTER", 1, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 1, Duration.ofSeconds(10));
    assertThat(bed.lb1.hasAddress(ipv4(VrrpTestbed.VIP))).isTrue();
    assertThat(bed.lb2.hasAddress(ipv4(VrrpTestbed.VIP))).isFalse();
    assertThat(bed.ask()).isEqualTo("OK lb1");
    assertThat(lb2.output()).doesNotContain("-> MASTER");

    NetnsProcess probe = bed.startProbe(7_000);
    probe.awaitOutput(
        out -> out.contains("OK lb1"), Duration.ofSeconds(10), "probe answered by lb1");
    long killedAt = VrrpTestbed.epochMicros();
    lb1.crash();
    awaitState(lb2, "MASTER", 1, Duration.ofSeconds(8));
    long takeover = transitionTime(lb2, "MASTER", 1) - killedAt;
    assertThat(takeover)
        .as("lb2 takes over within Master_Down_Interval + 250 ms (µs)")
        .isBetween(MASTER_DOWN_90_MICROS - 1_100_000, MASTER_DOWN_90_MICROS + 250_000);
    probe.awaitExit(Duration.ofSeconds(15));
    List<VrrpTestbed.Probe> probes = VrrpTestbed.probes(probe);
    assertThat(probes).anyMatch(p -> p.result().equals("OK lb2"));
    long firstLb2 =
        probes.stream()
            .filter(p -> p.result().equals("OK lb2"))
            .mapToLong(VrrpTestbed.Probe::sent)
            .min()
            .orElseThrow();
    assertThat(probes)
        .filteredOn(p -> p.sent() > firstLb2)
        .allMatch(p -> p.result().equals("OK lb2"));

    // LB1 returns: it starts as BACKUP, hears priority 90 < 100 and preempts after its down
    // interval.
    NetnsProcess lb1Again = bed.startNode(bed.lb1, 100);
    awaitState(lb1Again, "MASTER", 1, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 2, Duration.ofSeconds(5));
    assertThat(bed.lb2.hasAddress(ipv4(VrrpTestbed.VIP))).isFalse();
    assertThat(bed.ask()).isEqualTo("OK lb1");
  }

  @Test
  void gracefulStopHandsOverWithinSkewTimeAndRemovesTheVip() throws Exception {
    bed.startNameServer(bed.lb1);
    bed.startNameServer(bed.lb2);
    NetnsProcess lb1 = bed.startNode(bed.lb1, 100);
    NetnsProcess lb2 = bed.startNode(bed.lb2, 90);
    awaitState(lb1, "MASTER", 1, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 1, Duration.ofSeconds(10));
    NetnsProcess probe = bed.startProbe(4_000);
    probe.awaitOutput(
        out -> out.contains("OK lb1"), Duration.ofSeconds(10), "probe answered by lb1");

    lb1.signal("TERM");
    assertThat(lb1.awaitExit(Duration.ofSeconds(10)))
        .isZero(); // a graceful stop is a clean exit (ProcessSignals)
    assertThat(lb1.output()).contains("-> INITIALIZE").contains("STOPPED");
    awaitState(lb2, "MASTER", 1, Duration.ofSeconds(5));
    long handover = transitionTime(lb2, "MASTER", 1) - transitionTime(lb1, "INITIALIZE", 1);
    assertThat(handover)
        .as("handover after the priority-0 advert, µs")
        .isLessThanOrEqualTo(SKEW_90_MICROS + 100_000);
    assertThat(bed.lb1.hasAddress(ipv4(VrrpTestbed.VIP))).isFalse();
    probe.awaitExit(Duration.ofSeconds(10));
    List<VrrpTestbed.Probe> probes = VrrpTestbed.probes(probe);
    long firstLb2 =
        probes.stream()
            .filter(p -> p.result().equals("OK lb2"))
            .mapToLong(VrrpTestbed.Probe::sent)
            .min()
            .orElseThrow(() -> new AssertionError("lb2 never answered:\n" + probe.output()));
    assertThat(probes)
        .filteredOn(p -> p.sent() > firstLb2)
        .noneMatch(p -> p.result().equals("OK lb1"));
  }

  @Test
  void linkDownOnTheMasterMeansFaultAndTheBackupTakesOverThenItComesBack() throws Exception {
    NetnsProcess lb1 = bed.startNode(bed.lb1, 100);
    NetnsProcess lb2 = bed.startNode(bed.lb2, 90);
    awaitState(lb1, "MASTER", 1, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 1, Duration.ofSeconds(10));

    bed.lb1.linkDown();
    awaitState(lb1, "FAULT", 1, Duration.ofSeconds(5));
    assertThat(bed.lb1.hasAddress(ipv4(VrrpTestbed.VIP))).isFalse();
    awaitState(lb2, "MASTER", 1, Duration.ofSeconds(8));

    bed.lb1.linkUp();
    awaitState(lb1, "BACKUP", 2, Duration.ofSeconds(10));
    awaitState(lb1, "MASTER", 2, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 2, Duration.ofSeconds(5));
  }

  @Test
  void unicastPeersElectAndFailOverAndIgnoreAStrangersAdverts() throws Exception {
    NetnsProcess lb1 =
        bed.startNode(
            bed.lb1, 100, "--unicast-src", "10.200.0.11", "--unicast-peer", "10.200.0.12");
    NetnsProcess lb2 =
        bed.startNode(bed.lb2, 90, "--unicast-src", "10.200.0.12", "--unicast-peer", "10.200.0.11");
    awaitState(lb1, "MASTER", 1, Duration.ofSeconds(10));
    awaitState(lb2, "BACKUP", 1, Duration.ofSeconds(10));
    // A third router with the right VRID and password but not a configured peer: dropped, not
    // obeyed.
    NetnsProcess stranger =
        bed.startNode(
            bed.client,
            200,
            "--unicast-src",
            "10.200.0.2",
            "--unicast-peer",
            "10.200.0.11",
            "--unicast-peer",
            "10.200.0.12");
    awaitState(stranger, "MASTER", 1, Duration.ofSeconds(10));
    lb1.awaitOutput(
        out -> out.contains("DROPPED NOT_A_PEER from 10.200.0.2"),
        Duration.ofSeconds(5),
        "stranger dropped");
    assertThat(VrrpTestbed.count(lb1.output(), "-> BACKUP"))
        .isEqualTo(1); // only the start-up BACKUP
    stranger.signal("TERM");
    stranger.awaitExit(Duration.ofSeconds(10));

    lb1.signal("TERM");
    lb1.awaitExit(Duration.ofSeconds(10));
    awaitState(lb2, "MASTER", 1, Duration.ofSeconds(3));
    assertThat(bed.lb2.hasAddress(ipv4(VrrpTestbed.VIP))).isTrue();
  }

  private static org.ha4j.core.net.Ipv4Address ipv4(String text) {
    return org.ha4j.core.net.Ipv4Address.parse(text);
  }
}
