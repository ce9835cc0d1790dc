package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.FakeNotifySocket;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node (a VRRP instance on a raw socket, the proxy) in its own process in a network
 * namespace, told by systemd's environment to notify a socket the test bound: READY=1 only once the
 * instance runs and the listener answers, the watchdog from WATCHDOG_USEC, STOPPING=1 on TERM
 * before the VIP goes. The socket is a path, since an abstract name belongs to one network
 * namespace.
 */
class SystemdNotifyNodeIT {

  private static final Ipv4Address VIP = Ipv4Address.parse("10.200.0.100");

  @TempDir Path dir;

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost client;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces and raw VRRP sockets");
    lan = NetnsLan.create();
    lb1 = lan.addHost("lb1", 11);
    client = lan.addHost("client", 20);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void readyFollowsTheStartedInstanceAndBoundListenerAndStoppingPrecedesTheHandOver()
      throws Exception {
    Path keepalived = dir.resolve("keepalived.conf");
    Files.writeString(
        keepalived,
        """
        vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority 100
          advert_int 1
          virtual_ipaddress { 10.200.0.100/24 }
        }
        """);
    Path nginx = dir.resolve("nginx.conf");
    Files.writeString(
        nginx,
        """
        stream {
          server { listen 8080; proxy_pass 10.200.0.20:9000; }
        }
        """);
    try (FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "env",
                  "NOTIFY_SOCKET=" + systemd.name(),
                  // WatchdogSec=400ms: a tick every 200 ms
                  "WATCHDOG_USEC=400000"));
      command.addAll(
          NetnsHost.javaCommand(
              SupervisedNodeMain.class.getName(), keepalived.toString(), nginx.toString()));
      NetnsProcess node = lb1.start(command);

      assertThat(systemd.next(Duration.ofSeconds(30))).isEqualTo("READY=1");
      assertThat(node.output())
          .as("the instance started before READY=1")
          .contains("STARTED VI_1")
          .contains("PROXY listening on *:8080");
      // the listener is bound: a client on the LAN connects (no exception = connected)
      client.run("bash", "-c", "exec 3<>/dev/tcp/10.200.0.11/8080");
      assertThat(systemd.next()).isEqualTo("WATCHDOG=1");
      assertThat(systemd.next()).isEqualTo("WATCHDOG=1");
      node.awaitOutput(out -> out.contains("-> MASTER"), Duration.ofSeconds(15), "MASTER");
      assertThat(lb1.hasAddress(VIP)).isTrue();

      node.signal("TERM");
      assertThat(systemd.nextBesidesWatchdog()).isEqualTo("STOPPING=1");
      node.awaitExit(Duration.ofSeconds(30));
      assertThat(node.output()).contains("STOPPED");
      assertThat(systemd.poll(0)).as("nothing after STOPPING=1").isNull();
      assertThat(lb1.hasAddress(VIP)).as("the VIP handed over on stop").isFalse();
    }
  }
}
