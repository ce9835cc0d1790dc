package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.vrrp.VrrpTestbed.awaitState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ha4j run} with a keepalived.conf saying {@code vrrp_version 3} and {@code advert_int 0.1}
 * (lb1, priority 100, nopreempt) beside keepalived 2.2.7 configured the same way (lb2, priority
 * 90): a graceful stop hands the VIP over in well under a second, each way round, and after every
 * step exactly one host holds it. Neither side drops a single advert of the other's (no version,
 * checksum or any other rejection).
 */
class Vrrp3RunIT {

  private static final Ipv4Address VIP = Ipv4Address.parse(VrrpTestbed.VIP);

  /**
   * A graceful stop's bound: the backup's Skew_Time at 0.1 s is 35-65 ms, the rest is the stopping
   * process sending its priority-0 advert and the poll.
   */
  private static final Duration HANDOVER = Duration.ofMillis(1000);

  private static final Duration SETTLE = Duration.ofSeconds(10);

  private VrrpTestbed bed;

  @BeforeEach
  void testbed() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    Privileges.assumeCommand("keepalived");
    bed = new VrrpTestbed();
  }

  @AfterEach
  void teardown() {
    if (bed != null) {
      bed.close();
    }
  }

  /** The one instance, as both peers load it; {@code extra} goes inside the instance. */
  static String keepalivedConf(int priority, String extra) {
    return "global_defs {\n    router_id h4jv3run\n    vrrp_version 3\n}\n"
        + "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n"
        + "    virtual_router_id 51\n    priority "
        + priority
        + "\n    advert_int 0.1\n    virtual_ipaddress {\n        "
        + VrrpTestbed.VIP
        + "/24\n    }\n"
        + extra
        + "}\n";
  }

  @Test
  void gracefulStopsHandTheVipOverBothWaysInWellUnderASecond() throws Exception {
    Path conf = bed.lb1.file("ha4j-keepalived.conf");
    Files.writeString(conf, keepalivedConf(100, "    nopreempt\n"));

    NetnsProcess ha4j = VrrpTestbed.startRun(bed.lb1, conf, "VI_1");
    assertThat(ha4j.output()).contains("VRRPv3, advert_int 0.1s");
    awaitState(ha4j, "MASTER", 1, SETTLE);
    NetnsProcess keepalived = Keepalived.start(bed.lb2, keepalivedConf(90, ""));
    // 20 of ha4j's adverts heard without a word
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    assertOnlyHolder(bed.lb1);

    // ha4j -> keepalived: ha4j's priority-0 advert; keepalived waits its Skew_Time
    ha4j.signal("TERM");
    long handover = awaitOnlyHolder(bed.lb2, HANDOVER);
    assertThat(ha4j.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(handover).as("ms from TERM to the VIP on keepalived").isLessThan(1000);
    System.out.println("Vrrp3RunIT: ha4j -> keepalived in " + handover + " ms");
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), SETTLE, "keepalived MASTER");
    assertQuiet(ha4j, keepalived);

    // ha4j back, nopreempt: it stays BACKUP under keepalived's lower priority
    NetnsProcess again = VrrpTestbed.startRun(bed.lb1, conf, "VI_1");
    awaitState(again, "BACKUP", 1, SETTLE);
    again.assertNeverOutputs("-> MASTER", Duration.ofSeconds(2));
    assertOnlyHolder(bed.lb2);

    // keepalived -> ha4j: keepalived's priority-0 advert; ha4j waits its Skew_Time
    keepalived.signal("TERM");
    handover = awaitOnlyHolder(bed.lb1, HANDOVER);
    assertThat(handover).as("ms from TERM to the VIP on ha4j").isLessThan(1000);
    System.out.println("Vrrp3RunIT: keepalived -> ha4j in " + handover + " ms");
    awaitState(again, "MASTER", 1, SETTLE);
    assertThat(keepalived.awaitExit(Duration.ofSeconds(20))).isZero();
    assertQuiet(again, keepalived);

    again.signal("TERM");
    assertThat(again.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(bed.holders(VIP)).as("holders once both stopped").isEmpty();
    assertQuiet(again, keepalived);
  }

  private void assertOnlyHolder(NetnsHost holder) {
    assertThat(bed.holders(VIP)).as("holders of %s", VIP).containsExactly(holder);
  }

  /**
   * Polls until {@code holder} alone has the VIP; returns how long that took in milliseconds.
   *
   * @throws AssertionError after {@code timeout}, with the holders then
   */
  private long awaitOnlyHolder(NetnsHost holder, Duration timeout) {
    long start = System.nanoTime();
    List<NetnsHost> holders = bed.holders(VIP);
    while (!holders.equals(List.of(holder))) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new AssertionError(
            "after " + timeout.toMillis() + " ms the VIP is on " + holders + ", not " + holder);
      }
      holders = bed.holders(VIP);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /**
   * No advert dropped on either side: ha4j logs every drop reason at its first occurrence (e.g.
   * "dropped 1 packet(s) from ...: VERSION_NOT_3"), keepalived says "wrong version" or "Invalid
   * VRRPv3 checksum".
   */
  private static void assertQuiet(NetnsProcess ha4j, NetnsProcess keepalived) {
    assertThat(ha4j.output()).doesNotContain("dropped").doesNotContain("VERSION_NOT");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
  }
}
