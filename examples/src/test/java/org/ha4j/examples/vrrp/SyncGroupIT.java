package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A two-instance {@code vrrp_sync_group} on {@code ha4j run} (lb1, priority 100) against keepalived
 * 2.2.7 with the same group (lb2, priority 90). VI_1 tracks the link of a second interface, trk0, a
 * veth inside lb1's namespace: taking it down puts VI_1 in FAULT, the group takes VI_2 along, and
 * keepalived ends up holding both VIPs; bringing it up moves both back. After every step each VIP
 * has exactly one holder, and both sit on the same host.
 */
class SyncGroupIT {

  static final Ipv4Address VIP1 = Ipv4Address.parse("10.200.0.100");
  static final Ipv4Address VIP2 = Ipv4Address.parse("10.200.0.101");
  static final Duration SETTLE = Duration.ofSeconds(15);

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
      bed.close(); // the namespaces, and with them trk0/trk1 and every VIP
    }
  }

  static String instance(String name, int vrid, int priority, String vip, String extra) {
    return "vrrp_instance "
        + name
        + " {\n    state BACKUP\n    interface eth0\n    virtual_router_id "
        + vrid
        + "\n    priority "
        + priority
        + "\n    advert_int 1\n    authentication {\n        auth_type PASS\n"
        + "        auth_pass 1111\n    }\n    virtual_ipaddress {\n        "
        + vip
        + "/24\n    }\n"
        + extra
        + "}\n";
  }

  static String syncGroup(String extra) {
    return "vrrp_sync_group VG_1 {\n    group {\n        VI_1\n        VI_2\n    }\n"
        + extra
        + "}\n";
  }

  @Test
  void aTrackedInterfaceGoingDownMovesTheWholeGroupToTheKeepalivedPeerAndBack() throws Exception {
    NetnsHost lb1 = bed.lb1;
    addTrackedVeth(lb1);
    Path notifyLog = lb1.file("group-notify.log");
    Path notify = lb1.file("group-notify.sh");
    Files.writeString(notify, "#!/bin/sh\necho \"$*\" >> " + notifyLog + "\n");
    notify.toFile().setExecutable(true);
    Path keepalivedConf = lb1.file("keepalived.conf");
    Files.writeString(
        keepalivedConf,
        instance("VI_1", 51, 100, VIP1.toString(), "    track_interface {\n        trk0\n    }\n")
            + instance("VI_2", 52, 100, VIP2.toString(), "")
            + syncGroup("    notify " + notify + "\n"));
    NetnsProcess ha4j = VrrpTestbed.startRun(lb1, keepalivedConf, "VI_2");
    awaitHolder(lb1, ha4j);

    NetnsProcess keepalived =
        Keepalived.start(
            bed.lb2,
            "global_defs {\n    enable_script_security\n    script_user root\n}\n"
                + instance("VI_1", 51, 90, VIP1.toString(), "")
                + instance("VI_2", 52, 90, VIP2.toString(), "")
                + syncGroup(""));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(3));
    assertOneHolder(lb1);

    lb1.run("ip", "link", "set", "trk0", "down");
    awaitHolder(bed.lb2, ha4j);
    assertThat(ha4j.output())
        .contains("STATE VI_1 MASTER -> FAULT")
        .contains("STATE VI_2 MASTER -> FAULT");
    keepalived.awaitOutput(
        out -> VrrpTestbed.count(out, "Entering MASTER STATE") >= 2,
        SETTLE,
        "keepalived takes both instances");

    lb1.run("ip", "link", "set", "trk0", "up");
    awaitHolder(lb1, ha4j);
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(ha4j.output()).doesNotContain("DROPPED");

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(40))).isZero();
    awaitHolder(bed.lb2, ha4j);
    // the group's generic notify, in the group's transition order, keepalived's GROUP arguments
    assertThat(Files.readAllLines(notifyLog))
        .containsSubsequence(
            "GROUP VG_1 BACKUP 0",
            "GROUP VG_1 MASTER 0",
            "GROUP VG_1 FAULT 0",
            "GROUP VG_1 BACKUP 0",
            "GROUP VG_1 MASTER 0",
            "GROUP VG_1 STOP 0");
  }

  @Test
  void whenAPeerPreemptsOneMemberTheOtherFollowsToBackupAndStaysThere() throws Exception {
    NetnsHost lb1 = bed.lb1;
    Path keepalivedConf = lb1.file("keepalived.conf");
    Files.writeString(
        keepalivedConf,
        instance("VI_1", 51, 100, VIP1.toString(), "")
            + instance("VI_2", 52, 100, VIP2.toString(), "")
            + syncGroup(""));
    NetnsProcess ha4j = VrrpTestbed.startRun(lb1, keepalivedConf, "VI_2");
    awaitHolder(lb1, ha4j);

    // keepalived without a group: its VI_1 (110) preempts ours, its VI_2 (90) would not
    NetnsProcess keepalived =
        Keepalived.start(
            bed.lb2,
            "global_defs {\n    enable_script_security\n    script_user root\n}\n"
                + instance("VI_1", 51, 110, VIP1.toString(), "")
                + instance("VI_2", 52, 90, VIP2.toString(), ""));
    awaitHolder(bed.lb2, ha4j);
    assertThat(ha4j.output())
        .contains("STATE VI_1 MASTER -> BACKUP")
        .contains("STATE VI_2 MASTER -> BACKUP");

    // our VI_2 (100) outranks keepalived's (90), but VI_1 hears its master: the group stays BACKUP
    assertHolderThroughout(bed.lb2, Duration.ofSeconds(6));
    assertThat(ha4j.output()).contains("(VI_2) Master_Down_Timer expired; held in BACKUP");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(40))).isZero();
    assertOneHolder(bed.lb2);
  }

  @Test
  void aWeightedTrackedInterfaceLowersThePriorityBelowThePeersInsteadOfFaulting() throws Exception {
    NetnsHost lb1 = bed.lb1;
    addTrackedVeth(lb1);
    Path keepalivedConf = lb1.file("keepalived.conf");
    Files.writeString(
        keepalivedConf,
        instance(
            "VI_1",
            51,
            100,
            VIP1.toString(),
            "    track_interface {\n        trk0 weight -20\n    }\n"));
    NetnsProcess ha4j = VrrpTestbed.startRun(lb1, keepalivedConf, "VI_1");
    awaitVip1(lb1, ha4j);
    NetnsProcess keepalived =
        Keepalived.start(bed.lb2, Keepalived.config("BACKUP", 90, VIP1 + "/24"));

    // 100 - 20 = 80 < 90: keepalived preempts; ha4j is BACKUP, not FAULT
    lb1.run("ip", "link", "set", "trk0", "down");
    awaitVip1(bed.lb2, ha4j);
    assertThat(ha4j.output())
        .contains("PRIORITY VI_1 100 -> 80")
        .contains("STATE VI_1 MASTER -> BACKUP")
        .doesNotContain("FAULT");

    lb1.run("ip", "link", "set", "trk0", "up");
    awaitVip1(lb1, ha4j);
    assertThat(ha4j.output()).contains("PRIORITY VI_1 80 -> 100");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(40))).isZero();
    awaitVip1(bed.lb2, ha4j);
  }

  /** trk0, one end of a veth pair inside {@code host}'s namespace, both ends up. */
  private static void addTrackedVeth(NetnsHost host) throws IOException {
    host.run("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
    host.run("ip", "link", "set", "trk1", "up");
    host.run("ip", "link", "set", "trk0", "up");
  }

  /** Waits until {@code holder} alone has VIP1. */
  private void awaitVip1(NetnsHost holder, NetnsProcess ha4j) {
    await(
        () ->
            List.of(bed.lb1, bed.lb2, bed.client).stream()
                .filter(h -> holds(h, VIP1))
                .toList()
                .equals(List.of(holder)),
        SETTLE,
        () -> VIP1 + " on " + holder.name() + " only; ha4j said:\n" + ha4j.output());
  }

  /** Waits until {@code holder} has both VIPs and the other LB neither. */
  private void awaitHolder(NetnsHost holder, NetnsProcess ha4j) throws IOException {
    NetnsHost other = holder == bed.lb1 ? bed.lb2 : bed.lb1;
    await(
        () ->
            holds(holder, VIP1)
                && holds(holder, VIP2)
                && !holds(other, VIP1)
                && !holds(other, VIP2),
        SETTLE,
        () -> "both VIPs on " + holder.name() + " only; ha4j said:\n" + ha4j.output());
    assertOneHolder(holder);
  }

  /** Both VIPs stay on {@code holder} alone, checked every 50 ms for {@code window}. */
  private void assertHolderThroughout(NetnsHost holder, Duration window) throws IOException {
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() - deadline < 0) {
      assertOneHolder(holder);
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  /** Exactly one holder per VIP, the same for both: the group moved as one. */
  private void assertOneHolder(NetnsHost holder) throws IOException {
    for (Ipv4Address vip : List.of(VIP1, VIP2)) {
      assertThat(List.of(bed.lb1, bed.lb2, bed.client).stream().filter(h -> holds(h, vip)))
          .as("holders of %s", vip)
          .containsExactly(holder);
    }
  }

  private static boolean holds(NetnsHost host, Ipv4Address vip) {
    try {
      return host.hasAddress(vip);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  private static void await(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }
}
