package org.ha4j.health.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real servers on loopback only. */
class NetProbesTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private SystemScheduler scheduler;
  private ExecutorService executor;
  private HttpServer http;
  private final CountDownLatch releaseSlow = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws IOException {
    scheduler = new SystemScheduler("net-test");
    executor = Executors.newCachedThreadPool();
    http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
    http.createContext("/health", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}"));
    http.createContext("/down", exchange -> respond(exchange, 503, "{\"status\":\"DOWN\"}"));
    http.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/health");
          respond(exchange, 302, "");
        });
    http.createContext("/big", exchange -> respond(exchange, 200, "x".repeat(1 << 20) + "needle"));
    http.createContext(
        "/slow",
        exchange -> {
          try {
            releaseSlow.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(exchange, 200, "late");
        });
    http.setExecutor(executor);
    http.start();
  }

  @AfterEach
  void tearDown() {
    releaseSlow.countDown();
    http.stop(0);
    scheduler.close();
    executor.shutdownNow();
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private ProbeResult run(AsyncProbe probe, Duration timeout) {
    return probe
        .start(ProbeContext.of(timeout, scheduler, executor))
        .toCompletableFuture()
        .orTimeout(20, TimeUnit.SECONDS)
        .join();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
  }

  @Test
  void tcpConnectsToAListeningSocketAndFailsOnAClosedPort() throws IOException {
    int closedPort;
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      AsyncProbe probe = TcpProbe.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
      assertThat(run(probe, Duration.ofSeconds(2)))
          .isEqualTo(ProbeResult.ok("connected to 127.0.0.1:" + server.getLocalPort()));
      closedPort = server.getLocalPort();
    }
    ProbeResult refused = run(TcpProbe.connect("127.0.0.1", closedPort), Duration.ofSeconds(2));
    assertThat(refused.healthy()).isFalse();
    assertThat(refused.detail())
        .startsWith("connect to 127.0.0.1:" + closedPort + ": Connection refused");
  }

  @Test
  void tcpGivesUpAtItsTimeoutWhenTheListenQueueIsFull() throws IOException {
    // A server that never accepts, with its backlog filled: further SYNs are dropped and connect
    // hangs.
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket filler = new Socket();
          try {
            filler.connect(server.getLocalSocketAddress(), 200);
            fillers.add(filler);
          } catch (IOException e) {
            filler.close();
            break; // the queue is full
          }
        }
        long start = System.nanoTime();
        ProbeResult result =
            run(
                TcpProbe.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort())),
                Duration.ofMillis(300));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Test
  void httpPassesOnTheExpectedStatusAndBody() {
    assertThat(
            run(
                HttpProbe.get(uri("/health")).expectBodyContaining("\"UP\"").build(),
                Duration.ofSeconds(5)))
        .isEqualTo(ProbeResult.ok("HTTP 200 from " + uri("/health")));
    assertThat(run(HttpProbe.get(uri("/moved")).build(), Duration.ofSeconds(5)).healthy())
        .as("3xx passes by default, like HAProxy")
        .isTrue();
  }

  @Test
  void httpFailsOnAStatusOutsideTheRangeOrAMissingBodyText() {
    assertThat(run(HttpProbe.get(uri("/down")).build(), Duration.ofSeconds(5)))
        .isEqualTo(ProbeResult.failed("HTTP 503 from " + uri("/down") + ", expected 200-399"));
    assertThat(
            run(HttpProbe.get(uri("/moved")).expectStatus(200, 299).build(), Duration.ofSeconds(5))
                .detail())
        .isEqualTo("HTTP 302 from " + uri("/moved") + ", expected 200-299");
    assertThat(
            run(
                    HttpProbe.get(uri("/down"))
                        .expectStatus(500, 599)
                        .expectBodyContaining("\"UP\"")
                        .build(),
                    Duration.ofSeconds(5))
                .detail())
        .isEqualTo("HTTP 503 from " + uri("/down") + " without '\"UP\"' in the body");
  }

  @Test
  void httpReadsOnlyTheFirstPartOfABody() {
    ProbeResult result =
        run(
            HttpProbe.get(uri("/big")).expectBodyContaining("needle").build(),
            Duration.ofSeconds(5));
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).endsWith("without 'needle' in the body");
  }

  @Test
  void httpFailsAtItsTimeout() {
    ProbeResult result = run(HttpProbe.get(uri("/slow")).build(), Duration.ofMillis(300));
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).startsWith("GET " + uri("/slow") + ": HttpTimeoutException");
  }

  @Test
  void httpFailsWhenNothingListens() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    }
    ProbeResult result =
        run(
            HttpProbe.get(URI.create("http://127.0.0.1:" + port + "/")).build(),
            Duration.ofSeconds(2));
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).contains("ConnectException");
  }

  @Test
  void badHttpConfigurationIsRejected() {
    assertThatThrownBy(() -> HttpProbe.get(URI.create("ftp://127.0.0.1/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> HttpProbe.get(uri("/")).expectStatus(300, 200))
        .hasMessage("status range must be within 100-599 with min <= max, got 300-200");
    assertThatThrownBy(() -> TcpProbe.connect("127.0.0.1", 0))
        .hasMessage("port must be 1-65535, got 0");
  }
}
