package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.ha4j.examples.status.StatusServer;
import org.ha4j.node.NodeState;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./ha4j status} against a StatusServer in this JVM: the state of a node with one VRRP
 * instance and a proxy that carried real sessions, as tables; and every way of not getting one.
 */
class StatusCommandTest {

  private LoopbackEchoServer backend;
  private Proxy proxy;
  private StatusServer status;
  private HttpServer other;

  @AfterEach
  void stop() throws Exception {
    if (status != null) {
      status.stop();
    }
    if (other != null) {
      other.stop(0);
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static CommandRun ha4j(String... args) {
    return CommandRun.of(args);
  }

  private int serveNode() throws Exception {
    backend = new LoopbackEchoServer();
    proxy =
        Proxy.builder()
            .listen(
                "127.0.0.1:0",
                new Upstream(
                    "tomcat",
                    BalancingStrategies.roundRobin(),
                    List.of(ServerSpec.of(backend.hostPort()))))
            .drainTimeout(Duration.ofSeconds(1))
            .build();
    proxy.start();
    for (int i = 0; i < 3; i++) {
      try (Socket s =
          new Socket(InetAddress.getLoopbackAddress(), proxy.boundAddresses().get(0).getPort())) {
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        assertThat(s.getInputStream().readAllBytes()).hasSize(4);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
    VrrpInstanceSnapshot vrrp =
        new VrrpInstanceSnapshot(
            "VI_1",
            VrrpState.BACKUP,
            100,
            80,
            Optional.of(IpAddress.parse("10.200.0.12")),
            IpAddress.parse("10.200.0.11"),
            true,
            0,
            42,
            Map.of(),
            0,
            Map.of());
    status =
        new StatusServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () ->
                new NodeState(
                    Instant.now(),
                    List.of(new NodeState.Instance(vrrp, List.of("10.200.0.100/24"))),
                    NodeState.ProxyState.of(Optional.of(proxy))));
    status.start();
    return status.boundAddress().getPort();
  }

  @Test
  void printsInstancesListenersAndServersAsTables() throws Exception {
    int port = serveNode();
    CommandRun result = ha4j("status", "127.0.0.1:" + port);
    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    String listener = proxy.listenerStats().get(0).address();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("ha4j status of http://127.0.0.1:" + port + "/status");
    String header =
        lines.stream().filter(l -> l.startsWith("VRRP INSTANCE")).findFirst().orElseThrow();
    String row = lines.get(lines.indexOf(header) + 1);
    assertThat(header)
        .matches("VRRP INSTANCE +STATE +PRIORITY +MASTER +VIPS +SENT +RECEIVED +SEND FAILURES");
    assertThat(row)
        .matches(
            "VI_1 +BACKUP +80 \\(base 100\\) +10\\.200\\.0\\.12 +10\\.200\\.0\\.100/24 +0 +42 +0");
    assertThat(row.indexOf("10.200.0.12"))
        .as("columns aligned")
        .isEqualTo(header.indexOf("MASTER"));
    assertThat(lines)
        .contains("proxy: running, 0 active session(s)", "upstream tomcat", "faults: none")
        .anySatisfy(
            line -> assertThat(line).matches("\\Q" + listener + "\\E +3 +0 +3 +0 +0 +0 +12 +12"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "\\Q"
                            + backend.hostPort()
                            + "\\E +up +1 +0 +3 +3 +0 +12 +12 +[0-9]+\\.[0-9]+"));

    CommandRun bare = ha4j("status", Integer.toString(port));
    assertThat(bare.exit()).as("PORT alone is 127.0.0.1:PORT").isZero();
    CommandRun json = ha4j("status", "--json", "127.0.0.1:" + port);
    assertThat(json.exit()).isZero();
    assertThat(json.out()).startsWith("{\"at\":").contains("\"name\":\"VI_1\"");
  }

  @Test
  void nothingListeningIsExitOneWithAClearError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    CommandRun result = ha4j("status", "127.0.0.1:" + port);
    assertThat(result.exit()).isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("ha4j status: cannot connect to http://127.0.0.1:" + port + "/status")
        .contains("--status-listen");
  }

  @Test
  void somethingElseAnsweringIsExitOneNamingWhatCame() throws Exception {
    other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    other.createContext(
        "/",
        exchange -> {
          byte[] body =
              (exchange.getRequestURI().getPath().equals("/status") ? "{\"hello\": [1, 2" : "")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    other.start();
    CommandRun result = ha4j("status", "127.0.0.1:" + other.getAddress().getPort());
    assertThat(result.exit()).isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(result.err())
        .contains("is not a ha4j status document: expected ',' or ']' at offset 15, found the end");
  }

  @Test
  void aBadAddressIsAUsageError() {
    CommandRun result = ha4j("status", "localhost:9742");
    assertThat(result.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(result.err()).contains("PORT (0-65535, on 127.0.0.1), *:PORT or IP:PORT");
  }

  @Test
  void theStatusAddressIsWrittenAsTheOtherListenFlagsButAPortAloneIsLoopback() {
    CliTypes.StatusAddressConverter convert = new CliTypes.StatusAddressConverter();
    assertThat(convert.convert("9742")).isEqualTo(new InetSocketAddress("127.0.0.1", 9742));
    assertThat(convert.convert("0")).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(convert.convert("*:9742")).isEqualTo(new InetSocketAddress("0.0.0.0", 9742));
    assertThat(convert.convert("10.200.0.11:9742"))
        .isEqualTo(new InetSocketAddress("10.200.0.11", 9742));
    assertThat(convert.convert("[::1]:9742")).isEqualTo(new InetSocketAddress("::1", 9742));
    for (String bad : List.of("", "65536", "::1:9742", "localhost:80", "1.2.3.4:", "1.2.3:80")) {
      assertThatThrownBy(() -> convert.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("must be PORT (0-65535, on 127.0.0.1), *:PORT or IP:PORT");
    }
  }
}
