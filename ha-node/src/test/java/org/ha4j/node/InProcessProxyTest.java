package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.junit.jupiter.api.Test;

/** The node's proxy stops and starts again (systemctl stop/start nginx) behind one health source. */
class InProcessProxyTest {

    @Test
    void healthFollowsStopAndStartAndTheListenerComesBack() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = freePort();
            NginxStreamConfig config = NginxStreamConfigLoader.load("nginx.conf", """
                    stream {
                      server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:%d; }
                    }
                    """.formatted(port, backend.getLocalPort()));
            List<String> events = new CopyOnWriteArrayList<>();
            InProcessProxy proxy = new InProcessProxy(config, RelayKind.COPY, Duration.ZERO, events::add);
            assertThat(proxy.health().current().isUp()).isFalse();

            proxy.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.health().current().isUp());
            assertThat(connects(port)).isTrue();

            proxy.stop();
            assertThat(proxy.health().current().isUp()).isFalse();
            assertThat(proxy.health().current().cause()).contains("stopped");
            assertThat(connects(port)).isFalse();

            proxy.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.health().current().isUp());
            assertThat(connects(port)).isTrue();
            proxy.stop();
            assertThat(events).containsExactly(
                    "PROXY listening on 127.0.0.1:" + port + " -> 127.0.0.1:" + backend.getLocalPort() + " (copy relay)",
                    "PROXY stopped",
                    "PROXY listening on 127.0.0.1:" + port + " -> 127.0.0.1:" + backend.getLocalPort() + " (copy relay)",
                    "PROXY stopped");
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
