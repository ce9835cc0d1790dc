package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.EchoBackend;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A refused backend connect leaves nothing behind: the backend socket the proxy built for the
 * attempt is closed (no fd leak) and leaves epoll (no event loop spinning on its
 * EPOLLERR|EPOLLHUP), on every relay and transport.
 */
@Timeout(90)
class RefusedUpstreamTest {

  static final int REQUESTS = 100;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  static Stream<Arguments> relaysAndTransports() {
    List<Arguments> out = new ArrayList<>();
    for (int maxFails : new int[] {1, 0}) {
      for (RelayKind relay : RelayKind.values()) {
        out.add(Arguments.of(relay, false, maxFails));
      }
      out.add(Arguments.of(RelayKind.COPY, true, maxFails));
    }
    return out.stream();
  }

  /** A port nobody listens on: bound then closed, so connecting is refused at once. */
  static String refusedAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @ParameterizedTest(name = "{0} relay, nio={1}, max_fails={2}")
  @MethodSource("relaysAndTransports")
  void refusedConnectsLeaveNoSocketAndNoSpinningLoop(RelayKind relay, boolean nio, int maxFails)
      throws Exception {
    if (relay != RelayKind.COPY) {
      Privileges.assumeThat(
          SpliceEngine.available(), "the " + relay + " relay needs splice(2) (Linux)");
    }
    EchoBackend live = new EchoBackend();
    closeables.add(live);
    String refused = refusedAddress();
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(
                ServerSpec.parse(live.address()),
                ServerSpec.parse(refused + " max_fails=" + maxFails)));
    Proxy proxy =
        Proxy.builder()
            .listen("127.0.0.1:0", upstream)
            .relay(relay)
            .forceNio(nio)
            .ioThreads(2)
            .drainTimeout(Duration.ZERO)
            .build();
    proxy.start();
    closeables.add(proxy::stop);
    assertThat(proxy.relay()).isEqualTo(relay);
    int port = proxy.boundAddresses().get(0).getPort();

    // the refusing server waits outside while the warm-up fills the pools the baseline includes
    upstream.drain(refused, true);
    for (int i = 0; i < 20; i++) {
      echoOneByte(port, i);
    }
    ResourceBaseline baseline = ResourceBaseline.take(proxy);
    upstream.drain(refused, false);

    for (int i = 0; i < REQUESTS; i++) {
      echoOneByte(
          port, i); // a refused attempt moves on to the live server: every request is answered
    }
    BackendStats refusedStats = upstream.stats(System.nanoTime()).get(1);
    assertThat(refusedStats.connectFailures())
        .as("attempts the refusing server failed")
        .isEqualTo(maxFails == 0 ? REQUESTS / 2 : 1);
    baseline.assertBackAfter(REQUESTS + " requests with a refusing server, max_fails=" + maxFails);
  }

  private static void echoOneByte(int port, int value) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(5_000);
      s.getOutputStream().write(value);
      assertThat(s.getInputStream().read()).isEqualTo(value & 0xff);
    }
  }
}
