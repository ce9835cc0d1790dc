package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.Lifecycle;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.Probes;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a node starts and stops, without VRRP sockets: the order, and what a failed start leaves
 * behind.
 */
class HaNodeLifecycleTest {

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void theVipsAreHandedOverBeforeTheProxiesDrainAndTheHealthChecksStopLast() {
    List<String> stopped = new ArrayList<>();
    StopOrder.stop(
        StopOrder.of(
            List.of(named("VI_1", stopped), named("VI_2", stopped)),
            List.of(named("proxy 1", stopped), named("proxy 2", stopped)),
            named("scripts", stopped)));
    assertThat(stopped).containsExactly("VI_2", "VI_1", "proxy 2", "proxy 1", "scripts");
  }

  @Test
  void oneComponentFailingToStopDoesNotKeepTheRestRunning() {
    List<String> stopped = new ArrayList<>();
    Lifecycle failing =
        new Lifecycle() {
          @Override
          public void start() {}

          @Override
          public void stop() {
            throw new IllegalStateException("refuses to stop");
          }
        };
    StopOrder.stop(
        StopOrder.of(
            List.of(failing), List.of(named("proxy", stopped)), named("scripts", stopped)));
    assertThat(stopped).containsExactly("proxy", "scripts");
  }

  @Test
  void aBuiltNodeStartsItsProxiesAndClosesItsHealthChecksAfterThem() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HealthChecks checks = HealthChecks.create();
      checks.schedule(
          "backend",
          Probes.tcp("127.0.0.1", backend.getLocalPort()),
          CheckSchedule.builder().build());
      Proxy proxy =
          Proxy.builder()
              .relay(RelayKind.COPY)
              .listen(
                  "127.0.0.1:0",
                  new Upstream(
                      "app",
                      BalancingStrategies.roundRobin(),
                      List.of(ServerSpec.parse("127.0.0.1:" + backend.getLocalPort()))))
              .build();
      Lifecycle node = HaNode.builder().healthChecks(checks).proxy(proxy).build();
      assertThat(healthThreads()).isNotEmpty();

      node.start();
      int port = proxy.boundAddresses().get(0).getPort();
      assertThat(connects(port)).isTrue();
      node.stop();

      assertThat(connects(port)).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().isEmpty());
      assertThatThrownBy(node::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("once");
      node.stop();
    }
  }

  @Test
  void aNodeWithNothingToRunIsRefused() {
    try (HealthChecks checks = HealthChecks.create()) {
      assertThatThrownBy(() -> HaNode.builder().healthChecks(checks).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one proxy or VRRP instance");
    }
  }

  @Test
  void aProxyThatCannotBindFailsTheStartAndLeavesNoScriptRunning(@TempDir Path dir)
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path keepalived =
          Files.writeString(
              dir.resolve("keepalived.conf"),
              """
                    vrrp_script alive {
                      script "/bin/true"
                      interval 1
                    }
                    vrrp_instance VI_1 {
                      interface lo
                      virtual_router_id 51
                      virtual_ipaddress { 10.200.0.100 }
                      track_script { alive }
                    }
                    """);
      Path nginx =
          Files.writeString(
              dir.resolve("nginx.conf"),
              """
                    stream {
                      server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:9; }
                    }
                    """
                  .formatted(taken.getLocalPort()));
      HaNode node = HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add));

      assertThatThrownBy(node::start)
          .isInstanceOf(BindException.class)
          .hasMessageContaining("in use");

      await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().isEmpty());
      assertThat(node.instances()).isEmpty();
      assertThat(node.status()).containsExactly("proxy stopped");
      assertThat(events).noneMatch(e -> e.startsWith("STARTED") || e.startsWith("PROXY listening"));
      assertThatThrownBy(node::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("once");
      node.stop();
      assertThat(events).doesNotContain("STOPPED");
    }
  }

  @Test
  void scriptsRunOnlyBetweenStartAndStop() throws Exception {
    var config =
        KeepalivedConfigLoader.load(
            "keepalived.conf",
            """
                vrrp_script alive {
                  script "/bin/true"
                }
                vrrp_instance VI_1 {
                  interface lo
                  virtual_router_id 51
                  virtual_ipaddress { 10.200.0.100 }
                }
                """);
    ScriptChecks scripts = new ScriptChecks();
    var alive = config.scripts().get("alive");
    assertThatThrownBy(() -> scripts.run(alive)).isInstanceOf(IllegalStateException.class);
    scripts.start();
    assertThat(scripts.run(alive).source().name()).isEqualTo("alive");
    assertThat(healthThreads()).isNotEmpty();
    scripts.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().isEmpty());
    assertThatThrownBy(() -> scripts.run(alive)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(scripts::start).isInstanceOf(IllegalStateException.class);
    scripts.stop();
  }

  @Test
  void aNegativeDrainTimeoutIsRefusedWithTheAllowedRange() {
    assertThatThrownBy(
            () ->
                new NodeOptions(
                    java.util.Set.of(),
                    org.ha4j.proxy.RelayKind.COPY,
                    Duration.ofSeconds(-1),
                    line -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
  }

  private static boolean connects(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static List<String> healthThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.equals("ha4j-health") || n.startsWith("ha4j-probe-"))
        .toList();
  }

  private static Lifecycle named(String name, List<String> stopped) {
    return new Lifecycle() {
      @Override
      public void start() {}

      @Override
      public void stop() {
        stopped.add(name);
      }
    };
  }
}
