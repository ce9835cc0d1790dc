package org.ha4j.examples.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.net.TcpProbe;
import org.ha4j.node.NodeState;
import org.ha4j.node.metrics.HealthMetrics;
import org.ha4j.node.metrics.ProxyMetrics;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /metrics and /status scraped over HTTP from a proxy that carried real sessions. */
class StatusServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private LoopbackEchoServer backend;
  private Proxy proxy;
  private StatusServer status;
  private HealthChecks checks;

  @BeforeEach
  void start() throws Exception {
    backend = new LoopbackEchoServer();
    proxy =
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
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ProxyMetrics(proxy).bindTo(registry);
    checks = HealthChecks.create();
    checks.schedule(
        "backend",
        TcpProbe.connect(
            "127.0.0.1",
            Integer.parseInt(backend.hostPort().substring(backend.hostPort().indexOf(':') + 1))),
        CheckSchedule.builder()
            .interval(Duration.ofMillis(100))
            .timeout(Duration.ofSeconds(5))
            .build());
    new HealthMetrics(checks::probes).bindTo(registry);
    status =
        new StatusServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            registry,
            () ->
                new NodeState(
                    Instant.now(),
                    List.of(),
                    new NodeState.ProxyState(
                        true,
                        proxy.activeSessions(),
                        proxy.listenerStats(),
                        proxy.backendStats(),
                        proxy.faults())));
    status.start();
  }

  @AfterEach
  void stop() throws Exception {
    status.stop();
    checks.close();
    proxy.stop();
    backend.close();
  }

  @Test
  void eachScrapeShowsTheListenersAReloadAddedAndNotTheOnesItRemoved() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProxyMetrics metrics = new ProxyMetrics(proxy);
    metrics.bindTo(registry);
    String before = proxy.listenerStats().get(0).address();
    StatusServer following =
        new StatusServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            registry,
            () -> new NodeState(Instant.now(), List.of(), null),
            metrics::refresh);
    following.start();
    try {
      proxy.reconfigure(
          Proxy.builder()
              .listen(
                  "127.0.0.2:0",
                  new Upstream(
                      "app",
                      BalancingStrategies.roundRobin(),
                      List.of(ServerSpec.of(backend.hostPort()))))
              .drainTimeout(Duration.ofSeconds(1))
              .build());
      String after = proxy.listenerStats().get(0).address();
      HttpResponse<String> metricsPage =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + following.boundAddress().getPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metricsPage.body())
          .contains("ha4j_proxy_connections_total{listener=\"" + after + "\"}")
          .doesNotContain("listener=\"" + before + "\"");
    } finally {
      following.stop();
    }
  }

  @Test
  void metricsAreInPrometheusTextAndStatusIsTheStateDocument() throws Exception {
    for (int i = 0; i < 2; i++) {
      try (Socket s =
          new Socket(InetAddress.getLoopbackAddress(), proxy.boundAddresses().get(0).getPort())) {
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
            .isEqualTo("ping");
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                proxy.listenerStats().get(0).ended() == 2
                    && checks.probes().get(0).stats().successes() >= 2);

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(StatusServer.PROMETHEUS_TEXT);
    String listener = proxy.listenerStats().get(0).address();
    assertThat(metrics.body())
        .contains("# TYPE ha4j_proxy_connections_total counter")
        .contains("ha4j_proxy_connections_total{listener=\"" + listener + "\"} 2.0")
        .contains(
            "ha4j_proxy_bytes_total{direction=\"from_client\",listener=\"" + listener + "\"} 8.0");
    String server = "server=\"" + backend.hostPort() + "\",upstream=\"app\"";
    assertThat(value(metrics.body(), "ha4j_backend_connect_time_seconds_count{" + server + "}"))
        .isEqualTo(2);
    // two loopback connects: more than nothing, less than the test's whole time limit
    assertThat(value(metrics.body(), "ha4j_backend_connect_time_seconds_sum{" + server + "}"))
        .isPositive()
        .isLessThan(10);
    String onListener = "{listener=\"" + listener + "\"}";
    assertThat(value(metrics.body(), "ha4j_proxy_session_duration_seconds_count" + onListener))
        .isEqualTo(2);
    assertThat(value(metrics.body(), "ha4j_proxy_session_duration_seconds_sum" + onListener))
        .isPositive();
    assertThat(value(metrics.body(), "ha4j_proxy_direct_memory_bytes")).isPositive();
    assertThat(value(metrics.body(), "ha4j_probe_successes_total{probe=\"backend\"}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            value(metrics.body(), "ha4j_probe_failures_total{probe=\"backend\",reason=\"FAILED\"}"))
        .isZero();
    assertThat(value(metrics.body(), "ha4j_probe_latency_seconds_sum{probe=\"backend\"}"))
        .isPositive();
    assertThat(value(metrics.body(), "ha4j_probe_up{probe=\"backend\"}")).isEqualTo(1);

    HttpResponse<String> state = get("/status");
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(state.body())
        .contains("\"accepted\":2")
        .contains("\"running\":true")
        .contains("\"sessionsEnded\":2")
        .containsPattern("\"connectMeanMs\":[0-9]+\\.[0-9]{3}");

    assertThat(get("/other").statusCode()).isEqualTo(404);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri("/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void stoppingReleasesThePortAndTheThread() throws Exception {
    InetSocketAddress bound = status.boundAddress();
    assertThat(get("/status").statusCode()).isEqualTo(200);
    status.stop();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("ha4j-status") && t.isAlive());
    try (ServerSocket again = new ServerSocket()) {
      again.bind(bound);
      assertThat(again.isBound()).isTrue();
    }
  }

  /** The value of one series in Prometheus text; fails when the series is missing. */
  private static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in\n" + text);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    InetSocketAddress a = status.boundAddress();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }
}
