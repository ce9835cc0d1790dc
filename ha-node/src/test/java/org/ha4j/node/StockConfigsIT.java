package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's keepalived.conf sample, edited as the reference deployment says (LVS blocks
 * still below), with an include-built Debian nginx.conf, runs: in a network namespace the node
 * starts, becomes MASTER and holds the VIP, and a TERM hands it over and exits 0. The sample's
 * interface and addresses are the namespace LAN's.
 */
class StockConfigsIT {

  private static final Ipv4Address VIP = Ipv4Address.parse("10.200.0.100");

  @TempDir Path dir;

  private NetnsLan lan;
  private NetnsHost lb1;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces and raw VRRP sockets");
    lan = NetnsLan.create();
    lb1 = lan.addHost("lb1", 11);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void thePackagedSampleWithItsVirtualServersRunsAndHoldsTheVip() throws Exception {
    Path keepalived = dir.resolve("keepalived.conf");
    Files.writeString(
        keepalived,
        StockConfigsTest.packagedSample()
            .replace("interface ens3", "interface eth0")
            .replace("192.168.122.100", "10.200.0.100/24"));
    Path nginx = StockConfigsTest.debianNginx(dir.resolve("nginx"));

    NetnsProcess node =
        lb1.start(
            NetnsHost.javaCommand(
                SupervisedNodeMain.class.getName(),
                keepalived.toString(),
                nginx.toString(),
                "check_nginx"));
    node.awaitOutput(out -> out.contains("-> MASTER"), Duration.ofSeconds(30), "MASTER");
    assertThat(lb1.hasAddress(VIP)).isTrue();

    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(30)); // this test main stops from a shutdown hook: 143
    assertThat(node.output()).contains("STOPPED");
    assertThat(lb1.hasAddress(VIP)).as("the VIP is gone after the stop").isFalse();
  }
}
