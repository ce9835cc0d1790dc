package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.core.testing.netns.TcpNameServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Accept_Mode false (keepalived's {@code no_accept}) in a namespace: the master holds the VIP but
 * does not answer on it, while its own address still answers; with Accept_Mode true the same VIP
 * answers. The instance's nftables table is gone after a stop, and a table a killed run left is
 * replaced at the next start.
 */
class NoAcceptIT {

  private static final String VIP = "10.200.0.100";
  private static final int PORT = 8080;
  private static final Duration START = Duration.ofSeconds(20);

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost client;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets, netlink and nftables");
    Privileges.assumeCommand("nft");
    lan = NetnsLan.create();
    lb1 = lan.addHost("lb1", 10);
    client = lan.addHost("client", 2);
    NetnsProcess server =
        lb1.start(
            NetnsHost.javaCommand(TcpNameServer.class.getName(), Integer.toString(PORT), "lb1"));
    server.awaitOutput(out -> out.contains("listening"), START, "lb1's name server");
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  private NetnsProcess master(boolean noAccept) throws Exception {
    NetnsProcess node =
        lb1.start(
            NetnsHost.javaCommand(
                Vrrp3Node.class.getName(),
                noAccept
                    ? new String[] {"100", "100", VIP + "/24", "3", "no_accept"}
                    : new String[] {"100", "100", VIP + "/24", "3"}));
    node.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb1 MASTER");
    assertThat(lb1.hasAddress(Ipv4Address.parse(VIP))).isTrue();
    return node;
  }

  private void stop(NetnsProcess node) throws Exception {
    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(10));
    assertThat(node.isAlive()).isFalse();
  }

  private String tables() throws Exception {
    return lb1.run("nft", "list", "tables");
  }

  @Test
  void aNoAcceptMasterHoldsTheVipButDoesNotAnswerOnIt() throws Exception {
    NetnsProcess accepting = master(false);
    assertThat(client.ask(VIP, PORT, 1000)).isEqualTo("OK lb1");
    assertThat(tables()).doesNotContain("ha4j_");
    stop(accepting);

    NetnsProcess refusing = master(true);
    assertThat(tables()).contains("table ip ha4j_VI_51");
    assertThat(client.ask(VIP, PORT, 1000)).startsWith("FAIL");
    assertThat(client.ask(lb1.address().toString(), PORT, 1000)).isEqualTo("OK lb1");
    stop(refusing);
    assertThat(tables()).doesNotContain("ha4j_");
  }

  @Test
  void aTableAKilledRunLeftIsReplacedAtTheNextStartAndRemovedAtItsStop() throws Exception {
    master(true).crash();
    assertThat(tables()).contains("table ip ha4j_VI_51"); // what a SIGKILL cannot clean up

    NetnsProcess again = master(true);
    assertThat(tables().lines().filter(l -> l.contains("ha4j_VI_51")).count()).isEqualTo(1);
    assertThat(client.ask(VIP, PORT, 1000)).startsWith("FAIL");
    stop(again);
    assertThat(tables()).doesNotContain("ha4j_");
  }
}
