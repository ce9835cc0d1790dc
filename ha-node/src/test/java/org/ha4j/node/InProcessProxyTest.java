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

/**
 * The node's proxy stops and starts again (systemctl stop/start nginx) behind one health source.
 */
class InProcessProxyTest {

  @Test
  void healthFollowsStopAndStartAndTheListenerComesBack() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = freePort();
      NginxStreamConfig config =
          NginxStreamConfigLoader.load(
              "nginx.conf",
              """
                    stream {
                      server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:%d; }
                    }
                    """
                  .formatted(port, backend.getLocalPort()));
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
      assertThat(events)
          .containsExactly(
              "PROXY listening on 127.0.0.1:"
                  + port
                  + " -> 127.0.0.1:"
                  + backend.getLocalPort()
                  + " (copy relay)",
              "PROXY stopped",
              "PROXY listening on 127.0.0.1:"
                  + port
                  + " -> 127.0.0.1:"
                  + backend.getLocalPort()
                  + " (copy relay)",
              "PROXY stopped");
    }
  }

  @Test
  void everyServerBlockIsAListenerOfOneProxyWithItsOwnSettings() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int open = freePort();
      int denied = freePort();
      NginxStreamConfig config =
          NginxStreamConfigLoader.load(
              "nginx.conf",
              """
                    stream {
                      upstream app { server 127.0.0.1:%d; }
                      server { listen 127.0.0.1:%d; proxy_pass app; proxy_timeout 5m; }
                      server { listen 127.0.0.1:%d; proxy_pass app; deny all; }
                    }
                    """
                  .formatted(backend.getLocalPort(), open, denied));
      InProcessProxy proxy = new InProcessProxy(config, RelayKind.COPY, Duration.ZERO, event -> {});

      // one event-loop group and one relay for both blocks, nginx's worker model; one upstream
      // state
      List<org.ha4j.proxy.Proxy> built = proxy.build();
      assertThat(built).hasSize(1);
      assertThat(built.get(0).boundAddresses()).hasSize(2);

      proxy.start();
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.health().current().isUp());
        assertThat(answered(open)).as("served through the open block").isTrue();
        assertThat(answered(denied)).as("the deny all block closes at once").isFalse();
      } finally {
        proxy.stop();
      }
    }
  }

  @Test
  void proxyProtocolDirectivesReachTheRunningProxy() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = freePort();
      NginxStreamConfig config =
          NginxStreamConfigLoader.load(
              "nginx.conf",
              """
                    stream {
                      set_real_ip_from 127.0.0.0/8;
                      server {
                        listen 127.0.0.1:%d proxy_protocol;
                        proxy_pass 127.0.0.1:%d;
                        proxy_protocol on;
                      }
                    }
                    """
                  .formatted(port, backend.getLocalPort()));
      InProcessProxy proxy = new InProcessProxy(config, RelayKind.COPY, Duration.ZERO, event -> {});
      proxy.start();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
        client
            .getOutputStream()
            .write(
                "PROXY TCP4 192.0.2.7 198.51.100.1 40001 443\r\nx"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        client.shutdownOutput();
        try (Socket upstream = backend.accept()) {
          upstream.setSoTimeout(10_000);
          // the trusted peer's header source is the client the header sent on carries
          assertThat(
                  new String(
                      upstream.getInputStream().readAllBytes(),
                      java.nio.charset.StandardCharsets.US_ASCII))
              .isEqualTo("PROXY TCP4 192.0.2.7 127.0.0.1 40001 " + port + "\r\nx");
        }
      } finally {
        proxy.stop();
      }
    }
  }

  /**
   * Whether a session through the proxy on {@code port} stays open (the backend is silent) rather
   * than closed.
   */
  private static boolean answered(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(500);
      try {
        return s.getInputStream().read() != -1;
      } catch (java.net.SocketTimeoutException e) {
        return true; // nothing to read from a silent backend, but the session is open
      } catch (java.io.IOException e) {
        return false;
      }
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
