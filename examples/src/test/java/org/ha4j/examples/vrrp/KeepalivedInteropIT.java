package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.vrrp.VrrpTestbed.awaitState;

import java.time.Duration;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ha4j and keepalived 2.2.7 as the two LBs of the reference deployment (VRID 51, priorities 100/90,
 * advert_int 1, PASS 1111), both ways round: each accepts the other's adverts and they fail over as
 * two keepalived nodes do.
 */
class KeepalivedInteropIT {

  private static final Ipv4Address VIP = Ipv4Address.parse(VrrpTestbed.VIP);
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

  @Test
  void ha4jMasterWithKeepalivedBackup() throws Exception {
    NetnsProcess ha4j = bed.startNode(bed.lb1, 100, "--state", "MASTER");
    NetnsProcess keepalived =
        Keepalived.start(bed.lb2, Keepalived.config("BACKUP", 90, VrrpTestbed.VIP + "/24"));
    awaitState(ha4j, "MASTER", 1, Duration.ofSeconds(10));
    // keepalived hears our adverts for several intervals and stays BACKUP without complaint.
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(5));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(ha4j.output()).doesNotContain("DROPPED");
    assertThat(bed.lb2.hasAddress(VIP)).isFalse();

    // Graceful stop: keepalived takes over after its Skew_Time, from our priority-0 advert.
    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), Duration.ofSeconds(3), "keepalived MASTER");
    assertThat(keepalived.output()).contains("priority 0");
    assertThat(bed.lb2.hasAddress(VIP)).isTrue();
    assertThat(bed.lb1.hasAddress(VIP)).isFalse();

    // ha4j returns with the higher priority and preempts; keepalived yields.
    NetnsProcess again = bed.startNode(bed.lb1, 100);
    awaitState(again, "MASTER", 1, Duration.ofSeconds(10));
    keepalived.awaitOutput(
        out -> VrrpTestbed.count(out, "Entering BACKUP STATE") >= 2,
        Duration.ofSeconds(5),
        "keepalived back to BACKUP");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
  }

  @Test
  void keepalivedMasterWithHa4jBackup() throws Exception {
    NetnsProcess keepalived =
        Keepalived.start(bed.lb1, Keepalived.config("MASTER", 100, VrrpTestbed.VIP + "/24"));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), Duration.ofSeconds(10), "keepalived MASTER");
    NetnsProcess ha4j = bed.startNode(bed.lb2, 90, "--state", "BACKUP");
    awaitState(ha4j, "BACKUP", 1, Duration.ofSeconds(10));
    ha4j.assertNeverOutputs("-> MASTER", Duration.ofSeconds(5));
    assertThat(ha4j.output()).doesNotContain("DROPPED");
    assertThat(bed.lb1.hasAddress(VIP)).isTrue();

    // keepalived crashes (SIGKILL, its VRRP child first): ha4j takes over after
    // Master_Down_Interval.
    keepalived.crashTree();
    awaitState(ha4j, "MASTER", 1, Duration.ofSeconds(6));
    assertThat(bed.lb2.hasAddress(VIP)).isTrue();

    // keepalived comes back with priority 100 and preempts ha4j, which yields.
    bed.lb1.run(
        "ip", "addr", "del", VrrpTestbed.VIP + "/24", "dev", "eth0"); // what the crash left behind
    NetnsProcess back =
        Keepalived.start(bed.lb1, Keepalived.config("BACKUP", 100, VrrpTestbed.VIP + "/24"));
    back.awaitOutput(
        out -> out.contains("Entering MASTER STATE"),
        Duration.ofSeconds(10),
        "keepalived preempts");
    awaitState(ha4j, "BACKUP", 2, Duration.ofSeconds(5));
    assertThat(bed.lb2.hasAddress(VIP)).isFalse();
    assertThat(Keepalived.rejections(back)).isEmpty();
    assertThat(ha4j.output()).doesNotContain("DROPPED");
  }
}
