package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The durations the proxy sums for monitoring: time to connect to each server and how long the
 * listener's sessions lasted, measured on a real session over loopback.
 */
@Timeout(60)
class LatencyStatsTest {

  @Test
  void connectTimeAndSessionDurationAreSummedPerServerAndListener() throws Exception {
    try (LoopbackEchoServer backend = new LoopbackEchoServer()) {
      Proxy proxy =
          Proxy.builder()
              .listen(
                  "127.0.0.1:0",
                  new Upstream(
                      "app",
                      BalancingStrategies.roundRobin(),
                      List.of(ServerSpec.of(backend.hostPort()))))
              .drainTimeout(Duration.ofSeconds(1))
              .build();
      proxy.start();
      try {
        assertThat(proxy.listenerStats().get(0).ended()).isZero();
        long before = System.nanoTime();
        for (int i = 0; i < 2; i++) {
          try (Socket s =
              new Socket(
                  InetAddress.getLoopbackAddress(), proxy.boundAddresses().get(0).getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).hasSize(4);
          }
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> proxy.listenerStats().get(0).ended() == 2);
        long elapsed = System.nanoTime() - before;

        ListenerStats listener = proxy.listenerStats().get(0);
        BackendStats server = proxy.backendStats().get("app").get(0);
        assertThat(server.sessions()).isEqualTo(2);
        // each session connected to the server within its own lifetime
        assertThat(server.connectNanos()).isPositive().isLessThan(listener.sessionNanos());
        assertThat(listener.sessionNanos()).isLessThanOrEqualTo(elapsed);
      } finally {
        proxy.stop();
      }
    }
  }
}
