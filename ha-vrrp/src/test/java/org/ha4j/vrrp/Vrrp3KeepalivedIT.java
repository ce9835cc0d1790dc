package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VRRPv3 {@link VrrpInstance} (built with {@code version(3)}, {@code advertInterval(0.1 s)}) and
 * keepalived 2.2.7 with {@code vrrp_version 3} in one group over IPv4 multicast, both ways round:
 * each accepts the other's adverts (its checksum over the pseudo-header included), and a graceful
 * stop or a crash hands the VIP over.
 */
class Vrrp3KeepalivedIT {

  private static final String VIP = "10.200.0.100";
  private static final Duration START = Duration.ofSeconds(20);

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost lb2;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    lb1 = lan.addHost("lb1", 10);
    lb2 = lan.addHost("lb2", 11);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  private static String keepalivedV3(String state, int priority) {
    return "global_defs {\n  router_id h4jv3\n  vrrp_version 3\n}\n"
        + "vrrp_instance VI_1 {\n  state "
        + state
        + "\n  interface eth0\n  virtual_router_id 51\n  priority "
        + priority
        + "\n  advert_int 0.1\n  virtual_ipaddress {\n    "
        + VIP
        + "/24\n  }\n}\n";
  }

  private NetnsProcess ha4j(NetnsHost host, int priority) throws Exception {
    return ha4j(host, priority, 3, 100);
  }

  private NetnsProcess ha4j(NetnsHost host, int priority, int version, int intervalMillis)
      throws Exception {
    NetnsProcess node =
        host.start(
            NetnsHost.javaCommand(
                Vrrp3Node.class.getName(),
                Integer.toString(priority),
                Integer.toString(intervalMillis),
                VIP + "/24",
                Integer.toString(version)));
    node.awaitOutput(out -> out.contains("STARTED"), START, "ha4j started");
    return node;
  }

  @Test
  void ha4jMasterWithKeepalivedBackup() throws Exception {
    NetnsProcess ha4j = ha4j(lb1, 100);
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalivedV3("BACKUP", 90));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(3));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(lb1.hasAddress(Ipv4Address.parse(VIP))).isTrue();
    assertThat(lb2.hasAddress(Ipv4Address.parse(VIP))).isFalse();

    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), Duration.ofSeconds(2), "keepalived MASTER");
    assertThat(ha4j.output()).contains("DROPS {}");
    assertThat(lb2.hasAddress(Ipv4Address.parse(VIP))).isTrue();
    assertThat(lb1.hasAddress(Ipv4Address.parse(VIP))).isFalse();
  }

  @Test
  void keepalivedMasterWithHa4jBackup() throws Exception {
    NetnsProcess keepalived = Keepalived.start(lb1, keepalivedV3("MASTER", 100));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), START, "keepalived MASTER");
    NetnsProcess ha4j = ha4j(lb2, 90);
    ha4j.awaitOutput(out -> out.contains("STATE BACKUP"), START, "ha4j BACKUP");
    ha4j.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(3));
    assertThat(ha4j.output()).doesNotContain("dropped");

    keepalived.crashTree();
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), Duration.ofSeconds(2), "ha4j MASTER");
    assertThat(lb2.hasAddress(Ipv4Address.parse(VIP))).isTrue();
    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    assertThat(ha4j.output()).contains("DROPS {}");
    assertThat(lb2.hasAddress(Ipv4Address.parse(VIP))).isFalse();
  }

  @Test
  void aVrrpv2Ha4jBesideAVrrpv3KeepalivedWarnsInsteadOfFailingOverSilently() throws Exception {
    NetnsProcess keepalived = Keepalived.start(lb1, keepalivedV3("MASTER", 100));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), START, "keepalived MASTER");
    NetnsProcess ha4j = ha4j(lb2, 90, 2, 1000);
    // it cannot obey a VRRPv3 master, so it becomes master too: but it says why, by name
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER beside keepalived");
    ha4j.awaitOutput(
        out -> out.contains("VERSION_NOT_2"),
        Duration.ofSeconds(5),
        "ha4j's VERSION_NOT_2 warning");
    keepalived.awaitOutput(
        out -> out.contains("wrong version. Received 2 and expect 3"),
        Duration.ofSeconds(5),
        "keepalived's version warning");
    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    assertThat(ha4j.output()).containsPattern("DROPS \\{.*VERSION_NOT_2=[1-9]");
    assertThat(lb2.hasAddress(Ipv4Address.parse(VIP))).isFalse();
  }
}
