package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.Lifecycle;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a node starts and stops, without VRRP sockets: the order, and what a failed start leaves behind. */
class HaNodeLifecycleTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void theVipsAreHandedOverBeforeTheProxyDrainsAndTheScriptsStopLast() {
        List<String> stopped = new ArrayList<>();
        List<Lifecycle> order = HaNode.stopOrder(List.of(named("VI_1", stopped), named("VI_2", stopped)),
                named("proxy", stopped), named("scripts", stopped));
        order.forEach(Lifecycle::stop);
        assertThat(stopped).containsExactly("VI_2", "VI_1", "proxy", "scripts");
    }

    @Test
    void aProxyThatCannotBindFailsTheStartAndLeavesNoScriptRunning(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), """
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
            Path nginx = Files.writeString(dir.resolve("nginx.conf"), """
                    stream {
                      server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:9; }
                    }
                    """.formatted(taken.getLocalPort()));
            HaNode node = HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add));

            assertThatThrownBy(node::start).isInstanceOf(BindException.class).hasMessageContaining("in use");

            await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads().isEmpty());
            assertThat(node.instances()).isEmpty();
            assertThat(node.status()).containsExactly("proxy stopped");
            assertThat(events).noneMatch(e -> e.startsWith("STARTED") || e.startsWith("PROXY listening"));
            assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("once");
            node.stop();
            assertThat(events).doesNotContain("STOPPED");
        }
    }

    @Test
    void scriptsRunOnlyBetweenStartAndStop() throws Exception {
        var config = KeepalivedConfigLoader.load("keepalived.conf", """
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
        assertThatThrownBy(() -> new NodeOptions(java.util.Set.of(), org.ha4j.proxy.RelayKind.COPY,
                Duration.ofSeconds(-1), line -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or more");
    }

    private static List<String> healthThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("ha4j-health") || n.startsWith("ha4j-probe-")).toList();
    }

    private static Lifecycle named(String name, List<String> stopped) {
        return new Lifecycle() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
                stopped.add(name);
            }
        };
    }
}
