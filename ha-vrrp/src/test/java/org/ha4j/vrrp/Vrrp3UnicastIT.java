package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * VRRPv3 with several unicast peers: every router sends an advert to each peer, each checked
 * against that peer (RFC 9568 §5.2.8), and takes adverts from any of them. Three routers in
 * namespaces, unicast only: two ha4j and keepalived 2.2.7, then three ha4j.
 */
class Vrrp3UnicastIT {

  private static final String VIP = "10.200.0.100";
  private static final Duration START = Duration.ofSeconds(20);

  /**
   * 1 s, so the two backups' Master_Down_Intervals (priorities 90 and 50: Skew_Time 648 and 804 ms)
   * lie far enough apart that the higher one's first advert always arrives first, even on a loaded
   * machine; at 0.1 s they are 16 ms apart and the lower backup may briefly take over too, as RFC
   * 9568 allows.
   */
  private static final String INTERVAL_MILLIS = "1000";

  private static final Duration TAKEOVER = Duration.ofSeconds(5);

  private NetnsLan lan;
  private final List<NetnsHost> hosts = new ArrayList<>();

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    lan = NetnsLan.create();
    for (int i = 0; i < 3; i++) {
      hosts.add(lan.addHost("lb" + (i + 1), 10 + i));
    }
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  /** ha4j on host {@code index}: unicast from its own address to the two others. */
  private NetnsProcess ha4j(int index, int priority) throws Exception {
    List<String> args =
        new ArrayList<>(List.of(Integer.toString(priority), INTERVAL_MILLIS, VIP + "/24", "3"));
    args.add("src=" + hosts.get(index).address());
    for (int i = 0; i < hosts.size(); i++) {
      if (i != index) {
        args.add("peer=" + hosts.get(i).address());
      }
    }
    NetnsProcess node =
        hosts
            .get(index)
            .start(NetnsHost.javaCommand(Vrrp3Node.class.getName(), args.toArray(String[]::new)));
    node.awaitOutput(out -> out.contains("STARTED"), START, "ha4j started");
    return node;
  }

  private String keepalivedUnicast(int index, int priority) {
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < hosts.size(); i++) {
      if (i != index) {
        peers.append("    ").append(hosts.get(i).address()).append('\n');
      }
    }
    return "global_defs {\n  router_id h4jv3u\n  vrrp_version 3\n}\n"
        + "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n"
        + "  priority "
        + priority
        + "\n  advert_int 1\n  unicast_src_ip "
        + hosts.get(index).address()
        + "\n  unicast_peer {\n"
        + peers
        + "  }\n  virtual_ipaddress {\n    "
        + VIP
        + "/24\n  }\n}\n";
  }

  private long holders() throws Exception {
    long holding = 0;
    for (NetnsHost host : hosts) {
      if (host.hasAddress(Ipv4Address.parse(VIP))) {
        holding++;
      }
    }
    return holding;
  }

  @Test
  void twoHa4jAndKeepalivedShareOneGroupOverUnicast() throws Exception {
    NetnsProcess lb1 = ha4j(0, 100);
    lb1.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb1 MASTER");
    NetnsProcess lb2 = ha4j(1, 90);
    lb2.awaitOutput(out -> out.contains("STATE BACKUP"), START, "lb2 BACKUP");
    Privileges.assumeCommand("keepalived");
    NetnsProcess keepalived = Keepalived.start(hosts.get(2), keepalivedUnicast(2, 50));

    // keepalived takes lb1's adverts (checked against keepalived's own address) and stays BACKUP
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(4));
    lb2.assertNeverOutputs("STATE MASTER", Duration.ofMillis(500));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(holders()).isEqualTo(1);

    // lb1 dies: lb2 takes over, and keepalived takes lb2's adverts in turn
    lb1.crash();
    lb2.awaitOutput(out -> out.contains("STATE MASTER"), TAKEOVER, "lb2 MASTER");
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(hosts.get(1).hasAddress(Ipv4Address.parse(VIP))).isTrue();
    assertThat(hosts.get(2).hasAddress(Ipv4Address.parse(VIP))).isFalse();

    lb2.signal("TERM");
    lb2.awaitExit(Duration.ofSeconds(10));
    assertThat(lb2.output()).contains("DROPS {}");
  }

  @Test
  void threeHa4jNodesOverUnicastElectOneMasterAndFailOverToTheNext() throws Exception {
    NetnsProcess lb1 = ha4j(0, 100);
    lb1.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb1 MASTER");
    NetnsProcess lb2 = ha4j(1, 90);
    NetnsProcess lb3 = ha4j(2, 50);
    lb2.awaitOutput(out -> out.contains("STATE BACKUP"), START, "lb2 BACKUP");
    lb3.awaitOutput(out -> out.contains("STATE BACKUP"), START, "lb3 BACKUP");
    lb3.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(2));
    assertThat(holders()).isEqualTo(1);

    lb1.crash();
    lb2.awaitOutput(out -> out.contains("STATE MASTER"), TAKEOVER, "lb2 MASTER");
    lb3.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(2));
    assertThat(hosts.get(1).hasAddress(Ipv4Address.parse(VIP))).isTrue();
    assertThat(hosts.get(2).hasAddress(Ipv4Address.parse(VIP))).isFalse();

    for (NetnsProcess node : List.of(lb2, lb3)) {
      node.signal("TERM");
      node.awaitExit(Duration.ofSeconds(10));
      // the crashed lb1's adverts stopped; nothing was ever refused (no CHECKSUM_BAD)
      assertThat(node.output()).contains("DROPS {}");
    }
    // only the crashed lb1 still holds it, as a dead host would
    assertThat(holders()).isEqualTo(1);
    assertThat(hosts.get(0).hasAddress(Ipv4Address.parse(VIP))).isTrue();
  }
}
