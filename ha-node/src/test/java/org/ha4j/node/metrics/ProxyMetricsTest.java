package org.ha4j.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters read what a real proxy on loopback did: sessions, bytes, picks, refusals. */
class ProxyMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private LoopbackEchoServer backend;
  private Proxy proxy;
  private String listener;
  private String server;

  @BeforeEach
  void start() throws Exception {
    backend = new LoopbackEchoServer();
    server = backend.hostPort();
    proxy =
        Proxy.builder()
            .listen(
                "127.0.0.1:0",
                new Upstream(
                    "app",
                    BalancingStrategies.roundRobin(),
                    List.of(ServerSpec.of(server), ServerSpec.parse("127.0.0.1:1 down"))))
            .drainTimeout(Duration.ofSeconds(1))
            .build();
    proxy.start();
    new ProxyMetrics(proxy).bindTo(registry);
    InetSocketAddress bound = proxy.boundAddresses().get(0);
    listener = proxy.listenerStats().get(0).address();
    assertThat(listener).endsWith(":" + bound.getPort());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop();
    backend.close();
  }

  @Test
  void sessionsBytesAndPicksAreCountedPerListenerAndServer() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(exchange("hello " + i)).isEqualTo("hello " + i);
    }
    awaitEnded(3);

    assertThat(counter("ha4j.proxy.connections", "listener", listener)).isEqualTo(3);
    assertThat(counter("ha4j.proxy.bytes", "listener", listener, "direction", "from_client"))
        .isEqualTo(3 * "hello 0".length());
    assertThat(counter("ha4j.proxy.bytes", "listener", listener, "direction", "to_client"))
        .isEqualTo(3 * "hello 0".length());
    assertThat(registry.get("ha4j.proxy.sessions.active").gauge().value()).isZero();
    assertThat(counter("ha4j.backend.picks", "upstream", "app", "server", server)).isEqualTo(3);
    assertThat(gauge("ha4j.backend.usable", "upstream", "app", "server", "127.0.0.1:1")).isZero();
    assertThat(gauge("ha4j.backend.usable", "upstream", "app", "server", server)).isEqualTo(1);
    assertThat(counter("ha4j.proxy.faults", "fault", "NO_LIVE_UPSTREAMS")).isZero();
  }

  @Test
  void connectTimeIsTimedPerServerAndSessionDurationPerListener() throws Exception {
    long before = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertThat(exchange("timed " + i)).isEqualTo("timed " + i);
    }
    awaitEnded(3);
    double elapsed = System.nanoTime() - before;

    FunctionTimer connect =
        registry.get("ha4j.backend.connect.time").tags("server", server).functionTimer();
    FunctionTimer sessions =
        registry.get("ha4j.proxy.session.duration").tags("listener", listener).functionTimer();
    assertThat(connect.count()).isEqualTo(3);
    assertThat(sessions.count()).isEqualTo(3);
    // every connect happened inside its session, every session inside the test's own span
    assertThat(connect.totalTime(TimeUnit.NANOSECONDS))
        .isPositive()
        .isLessThan(sessions.totalTime(TimeUnit.NANOSECONDS));
    assertThat(sessions.totalTime(TimeUnit.NANOSECONDS)).isLessThanOrEqualTo(elapsed);
    assertThat(
            registry
                .get("ha4j.backend.connect.time")
                .tags("server", "127.0.0.1:1")
                .functionTimer()
                .count())
        .isZero();
    assertThat(registry.get("ha4j.proxy.direct.memory").gauge().value()).isPositive();
  }

  @Test
  void metersBuiltOnASupplierReadZeroWhileNoProxyRunsAndFollowTheNextOne() throws Exception {
    AtomicReference<Proxy> current = new AtomicReference<>(proxy);
    MeterRegistry following = new SimpleMeterRegistry();
    new ProxyMetrics(() -> Optional.ofNullable(current.get())).bindTo(following);
    assertThat(exchange("one")).isEqualTo("one");
    awaitEnded(1);
    assertThat(following.get("ha4j.proxy.connections").functionCounter().count()).isEqualTo(1);
    current.set(null);
    assertThat(following.get("ha4j.proxy.connections").functionCounter().count()).isZero();
    assertThat(following.get("ha4j.backend.usable").tags("server", server).gauge().value())
        .isZero();
  }

  @Test
  void bindingWithNoRunningProxyIsAnError() {
    assertThatThrownBy(() -> new ProxyMetrics(Optional::empty).bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bind after start");
  }

  @Test
  void aSessionWithNoLiveServerIsA502AndANamedFault() throws Exception {
    proxy.upstream("app").drain(server, true);
    try (Socket s =
        new Socket(InetAddress.getLoopbackAddress(), proxy.boundAddresses().get(0).getPort())) {
      s.setSoTimeout(10_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    awaitEnded(1);
    assertThat(counter("ha4j.proxy.sessions.ended", "listener", listener, "status", "502"))
        .isEqualTo(1);
    assertThat(counter("ha4j.proxy.faults", "fault", "NO_LIVE_UPSTREAMS")).isEqualTo(1);
  }

  @Test
  void afterAReloadTheSeriesAreThoseOfTheListenersAndServersThatRunNow() throws Exception {
    try (LoopbackEchoServer added = new LoopbackEchoServer()) {
      Proxy reloaded =
          Proxy.builder()
              .listen("127.0.0.1:0", upstream("app", server, "127.0.0.1:1 down"))
              .listen("127.0.0.1:0", upstream("gone", server))
              .drainTimeout(Duration.ofSeconds(1))
              .build();
      reloaded.start();
      try {
        MeterRegistry following = new SimpleMeterRegistry();
        ProxyMetrics metrics = new ProxyMetrics(() -> Optional.of(reloaded));
        metrics.bindTo(following);
        String kept = reloaded.listenerStats().get(0).address();
        String removed = reloaded.listenerStats().get(1).address();
        int keptPort = reloaded.boundAddresses().get(0).getPort();
        for (int i = 0; i < 2; i++) {
          assertThat(LoopbackEchoServer.exchange(keptPort, "before " + i)).isEqualTo("before " + i);
        }
        awaitIdle(reloaded, 2);
        double keptPicks =
            count(following, "ha4j.backend.picks", "upstream", "app", "server", server);
        assertThat(keptPicks).isEqualTo(2);

        // the new listener comes first, so the kept one moves to the second place; on another
        // address, as a new listener on 127.0.0.1:0 would take over the first one started so
        reloaded.reconfigure(
            Proxy.builder()
                .listen("127.0.0.2:0", upstream("extra", added.hostPort()))
                .listen("127.0.0.1:" + keptPort, upstream("app", server, added.hostPort()))
                .drainTimeout(Duration.ofSeconds(1))
                .build());
        metrics.refresh();
        String extra = reloaded.listenerStats().get(0).address();
        InetSocketAddress extraAddress = reloaded.boundAddresses().get(0);
        assertThat(count(following, "ha4j.backend.picks", "upstream", "app", "server", server))
            .isGreaterThanOrEqualTo(keptPicks);
        for (int i = 0; i < 2; i++) {
          assertThat(LoopbackEchoServer.exchange(keptPort, "after " + i)).isEqualTo("after " + i);
        }
        assertThat(exchange(extraAddress, "extra")).isEqualTo("extra");
        awaitIdle(reloaded, 5);

        assertThat(count(following, "ha4j.proxy.connections", "listener", kept)).isEqualTo(4);
        // a kept listener's ended sessions carry on too (a Prometheus counter never goes back)
        assertThat(
                following
                    .get("ha4j.proxy.session.duration")
                    .tags("listener", kept)
                    .functionTimer()
                    .count())
            .isEqualTo(4);
        assertThat(count(following, "ha4j.proxy.connections", "listener", extra)).isEqualTo(1);
        assertThat(
                count(
                    following,
                    "ha4j.backend.picks",
                    "upstream",
                    "extra",
                    "server",
                    added.hostPort()))
            .isEqualTo(1);
        assertThat(
                count(
                    following, "ha4j.backend.picks", "upstream", "app", "server", added.hostPort()))
            .isEqualTo(1);
        assertThat(count(following, "ha4j.backend.picks", "upstream", "app", "server", server))
            .isEqualTo(keptPicks + 1);
        assertThat(
                count(following, "ha4j.proxy.bytes", "listener", extra, "direction", "to_client"))
            .isEqualTo("extra".length());
        assertThat(following.find("ha4j.proxy.connections").tag("listener", removed).meters())
            .isEmpty();
        assertThat(following.find("ha4j.backend.picks").tag("server", "127.0.0.1:1").meters())
            .isEmpty();
        assertThat(following.find("ha4j.backend.picks").tag("upstream", "gone").meters()).isEmpty();
        // one series per listener and per server that runs now, nothing else
        assertThat(following.find("ha4j.proxy.connections").meters()).hasSize(2);
        assertThat(following.find("ha4j.backend.picks").meters()).hasSize(3);
      } finally {
        reloaded.stop();
      }
      assertThat(reloaded.activeSessions()).isZero();
    }
  }

  private static Upstream upstream(String name, String... servers) {
    return new Upstream(
        name,
        BalancingStrategies.roundRobin(),
        java.util.Arrays.stream(servers).map(ServerSpec::parse).toList());
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  /** Every session so far ended on each listener's side, and none is in progress. */
  private static void awaitIdle(Proxy proxy, int listenerSessionsTotal) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                proxy.listenerStats().stream().mapToLong(l -> l.ended()).sum()
                        == listenerSessionsTotal
                    && proxy.activeSessions() == 0);
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  /** Sessions are counted when they end, on the proxy's thread, after the client saw its bytes. */
  private void awaitEnded(int sessions) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> proxy.listenerStats().get(0).ended() == sessions && proxy.activeSessions() == 0);
  }

  private String exchange(String text) throws IOException {
    return exchange(proxy.boundAddresses().get(0), text);
  }

  private static String exchange(InetSocketAddress to, String text) throws IOException {
    try (Socket s = new Socket(to.getAddress(), to.getPort())) {
      s.setSoTimeout(10_000);
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      s.getOutputStream().write(bytes);
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
