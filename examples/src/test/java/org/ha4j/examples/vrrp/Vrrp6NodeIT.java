package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.vrrp.VrrpTestbed.awaitState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Ipv6Hosts;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The programs over IPv6: {@code ha4j node --vip fd00:200::100/64} (VRRPv3 without being told) and
 * {@code ha4j run} with an IPv6 keepalived.conf, each as master beside keepalived 2.2.7 as backup
 * on fd00:200::/64. keepalived hears them without a complaint, and a graceful stop hands the VIP
 * over in well under a second to exactly one holder; the stopped process leaves no VIP behind.
 */
class Vrrp6NodeIT {

  private static final String VIP = "fd00:200::100";
  private static final Duration HANDOVER = Duration.ofMillis(1000);
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private VrrpTestbed bed;

  @BeforeEach
  void testbed() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    Privileges.assumeCommand("keepalived");
    bed = new VrrpTestbed();
    Ipv6Hosts.floodMulticast(bed.lan);
    Ipv6Hosts.enable(bed.lb1, 0x11);
    Ipv6Hosts.enable(bed.lb2, 0x12);
  }

  @AfterEach
  void teardown() {
    if (bed != null) {
      bed.close();
    }
  }

  /** One IPv6 instance; keepalived makes it VRRPv3 by its addresses alone. */
  static String keepalivedConf(int priority) {
    return "global_defs {\n    router_id h4jv6run\n}\n"
        + "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n"
        + "    virtual_router_id 51\n    priority "
        + priority
        + "\n    advert_int 0.1\n    virtual_ipaddress {\n        "
        + VIP
        + "/64\n    }\n}\n";
  }

  @Test
  void nodeWithAnIpv6VipIsAVrrpv3Master() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--interface",
                "eth0",
                "--vrid",
                "51",
                "--priority",
                "100",
                "--advert-int",
                "0.1",
                "--vip",
                VIP + "/64"));
    NetnsProcess ha4j =
        bed.lb1.start(
            NetnsHost.javaCommand(
                "org.ha4j.examples.cli.Ha4jCommandLine", args.toArray(String[]::new)));
    ha4j.awaitOutput(out -> out.contains("STARTED"), VrrpTestbed.START, "node start");
    assertThat(ha4j.output()).contains("STARTED VI_51 on eth0 from fe80:");
    awaitState(ha4j, "MASTER", 1, SETTLE);
    handsOverToKeepalivedOnTerm(ha4j);
  }

  @Test
  void runWithAnIpv6KeepalivedConfIsAVrrpv3Master() throws Exception {
    Path conf = bed.lb1.file("ha4j-keepalived.conf");
    Files.writeString(conf, keepalivedConf(100));
    NetnsProcess ha4j = VrrpTestbed.startRun(bed.lb1, conf, "VI_1");
    assertThat(ha4j.output()).contains("VRRPv3");
    awaitState(ha4j, "MASTER", 1, SETTLE);
    handsOverToKeepalivedOnTerm(ha4j);
  }

  private void handsOverToKeepalivedOnTerm(NetnsProcess ha4j) throws IOException {
    NetnsProcess keepalived = Keepalived.start(bed.lb2, keepalivedConf(90));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(holders()).containsExactly(bed.lb1);

    ha4j.signal("TERM");
    long start = System.nanoTime();
    while (!holders().equals(List.of(bed.lb2))) {
      assertThat(System.nanoTime() - start)
          .as("ns until keepalived alone holds the VIP, now on %s", holders())
          .isLessThan(HANDOVER.toNanos());
    }
    assertThat(ha4j.awaitExit(Duration.ofSeconds(20))).isZero();
    // every drop is logged by reason at its first occurrence; node's counters end "dropped={}"
    assertThat(ha4j.output())
        .doesNotContainPattern("dropped [0-9]")
        .doesNotContain("DROPPED")
        .doesNotContain("128.0.0.0");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(holders()).containsExactly(bed.lb2);
  }

  private List<NetnsHost> holders() throws IOException {
    List<NetnsHost> holders = new ArrayList<>();
    for (NetnsHost host : List.of(bed.lb1, bed.lb2)) {
      if (Ipv6Hosts.hasAddress(host, VIP)) {
        holders.add(host);
      }
    }
    return holders;
  }
}
