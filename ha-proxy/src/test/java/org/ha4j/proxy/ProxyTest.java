package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Session handling around the relay: next upstream, status codes, access rules, limits, log,
 * runtime changes.
 */
@Timeout(60)
class ProxyTest {

  final List<AutoCloseable> closeables = new ArrayList<>();
  final StringWriter logText = new StringWriter();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  /** A port nobody listens on: bound then closed, so connecting is refused at once. */
  static String refusedAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  /** A backend that writes its own name and closes: identifies which server a session reached. */
  BlockingBackend named(String name) throws IOException {
    return closing(
        new BlockingBackend(
            s -> {
              s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
              s.shutdownOutput();
              s.getInputStream().readAllBytes();
              s.close();
            }));
  }

  Proxy start(Upstream upstream, Proxy.Builder builder, String format) throws Exception {
    AccessLog log = AccessLog.toWriter(logText, AccessLogFormat.parse(format, ZoneId.of("UTC")));
    Proxy proxy =
        builder
            .listen("127.0.0.1:0", upstream)
            .accessLog(log)
            .drainTimeout(Duration.ofSeconds(1))
            .ioThreads(1)
            .build();
    proxy.start();
    closing(proxy::stop);
    return proxy;
  }

  static String fetch(Proxy proxy) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", proxy.boundAddresses().get(0).getPort()), 5000);
      s.setSoTimeout(10_000);
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (java.net.SocketException reset) {
      return "";
    }
  }

  String awaitLog(int lines) {
    await().atMost(Duration.ofSeconds(10)).until(() -> logText.toString().lines().count() >= lines);
    return logText.toString();
  }

  @Test
  void roundRobinsAndWritesTheReferenceFormatVerbatim() throws Exception {
    BlockingBackend a = named("A");
    BlockingBackend b = named("B");
    Upstream upstream =
        new Upstream(
            "tomcat",
            BalancingStrategies.roundRobin(),
            List.of(ServerSpec.of(a.address()), ServerSpec.of(b.address())));
    Proxy proxy = start(upstream, Proxy.builder(), "'" + AccessLogFormat.REFERENCE_FORMAT + "'");
    assertThat(List.of(fetch(proxy), fetch(proxy), fetch(proxy), fetch(proxy)))
        .containsExactly("A", "B", "A", "B");
    String log = awaitLog(4);
    // 127.0.0.1 127.0.0.1:PORT - [26/Nov/2026:05:40:00 +0000] 200 0
    assertThat(log.lines().findFirst().orElseThrow())
        .matches(
            "127\\.0\\.0\\.1 "
                + a.address().replace(".", "\\.")
                + " - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] 200 0");
    assertThat(proxy.upstream("tomcat").stats(0))
        .extracting(BackendStats::sessions)
        .containsExactly(2L, 2L);
  }

  @Test
  void connectFailureMovesToTheNextServerAndCountsTheFailure() throws Exception {
    String dead = refusedAddress();
    BlockingBackend live = named("L");
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(ServerSpec.of(dead), ServerSpec.of(live.address())));
    Proxy proxy =
        start(
            upstream,
            Proxy.builder(),
            "$status $upstream_addr $upstream_connect_time $upstream_bytes_received");
    assertThat(fetch(proxy)).isEqualTo("L");
    String line = awaitLog(1).lines().findFirst().orElseThrow();
    assertThat(line).startsWith("200 " + dead + ", " + live.address() + " -, 0.");
    assertThat(line).endsWith(", 1");
    BackendStats deadStats = proxy.upstream("u").stats(System.nanoTime()).get(0);
    assertThat(deadStats.connectFailures()).isEqualTo(1);
    assertThat(deadStats.usable()).as("max_fails=1: out for fail_timeout").isFalse();
    // the next sessions avoid the failed server
    assertThat(fetch(proxy)).isEqualTo("L");
    assertThat(proxy.upstream("u").stats(0).get(0).connectFailures()).isEqualTo(1);
  }

  @Test
  void noReachableServerIs502() throws Exception {
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(ServerSpec.of(refusedAddress()), ServerSpec.of(refusedAddress())));
    Proxy proxy = start(upstream, Proxy.builder(), "$status $upstream_addr");
    assertThat(fetch(proxy)).isEmpty();
    assertThat(awaitLog(1)).startsWith("502 ");
    assertThat(fetch(proxy)).isEmpty();
    // both servers failed out: "no live upstreams", $upstream_addr is the group name
    assertThat(awaitLog(2).lines().skip(1).findFirst().orElseThrow()).isEqualTo("502 u");
    assertThat(proxy.listenerStats().get(0).badGateway()).isEqualTo(2);
    assertThat(proxy.current().status()).isEqualTo(HealthStatus.DOWN);
  }

  @Test
  void nextUpstreamTriesLimitsAttempts() throws Exception {
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress())));
    Proxy proxy = start(upstream, Proxy.builder().nextUpstreamTries(2), "$status $upstream_addr");
    fetch(proxy);
    assertThat(awaitLog(1).strip().split(", ")).hasSize(2);
  }

  @Test
  void nextUpstreamOffTriesOneServerPerListener() throws Exception {
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress())));
    Proxy proxy = start(upstream, Proxy.builder().nextUpstreamTries(3), "$status $upstream_addr");
    fetch(proxy);
    assertThat(awaitLog(1).strip().split(", ")).hasSize(3);

    // a fresh upstream: the first one's servers are all marked failed now (max_fails=1)
    Upstream fresh =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress()),
                ServerSpec.of(refusedAddress())));
    StringWriter offLog = new StringWriter();
    Proxy off =
        closing(
            Proxy.builder()
                .listen(
                    "127.0.0.1:0",
                    fresh,
                    ListenerSettings.builder()
                        .nextUpstream(false)
                        .accessLog(
                            AccessLog.toWriter(
                                offLog,
                                AccessLogFormat.parse("$status $upstream_addr", ZoneId.of("UTC"))))
                        .build())
                .nextUpstreamTries(3)
                .drainTimeout(Duration.ofSeconds(1))
                .ioThreads(1)
                .build());
    off.start();
    fetch(off);
    await().atMost(Duration.ofSeconds(10)).until(() -> !offLog.toString().isEmpty());
    assertThat(offLog.toString()).startsWith("502 127.0.0.1:").doesNotContain(", ");
  }

  @Test
  void deniedClientsGet403BeforeAnyBackendConnect() throws Exception {
    EchoBackend a = closing(new EchoBackend());
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(a.address())));
    Proxy proxy =
        start(
            upstream,
            Proxy.builder()
                .accessRules(AccessRules.builder().allow("10.0.0.0/8").deny("all").build()),
            "$status $remote_addr $upstream_addr");
    for (int i = 0; i < 5; i++) {
      assertThat(fetch(proxy)).isEmpty();
    }
    assertThat(awaitLog(5)).startsWith("403 127.0.0.1 u");
    assertThat(proxy.listenerStats().get(0).forbidden()).isEqualTo(5);
    // the access phase runs before the upstream one: no server was picked, none was connected to
    assertThat(a.accepted.get()).as("connections the backend saw").isZero();
    assertThat(proxy.upstream("u").stats(0).get(0).picks()).isZero();
    assertThat(
            AccessRules.builder()
                .deny("127.0.0.2")
                .allow("127.0.0.0/8")
                .build()
                .allows(org.ha4j.core.net.IpAddress.parse("127.0.0.1")))
        .isTrue();
  }

  @Test
  void connectionLimitsGive503() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    BlockingBackend hold =
        closing(
            new BlockingBackend(
                s -> {
                  s.getOutputStream().write('H');
                  release.get(30, TimeUnit.SECONDS);
                  s.close();
                }));
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(hold.address())));
    Proxy proxy = start(upstream, Proxy.builder().maxConnectionsPerClient(1), "$status");
    try (Socket first = new Socket("127.0.0.1", proxy.boundAddresses().get(0).getPort())) {
      assertThat(first.getInputStream().read()).isEqualTo('H');
      assertThat(fetch(proxy)).isEmpty();
      assertThat(awaitLog(1)).startsWith("503");
      assertThat(proxy.listenerStats().get(0).unavailable()).isEqualTo(1);
    } finally {
      release.complete(null);
    }
  }

  @Test
  void runtimeChangesLeaveEstablishedSessionsAlone() throws Exception {
    EchoBackend one = closing(new EchoBackend());
    BlockingBackend two = named("2");
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(one.address())));
    Proxy proxy = start(upstream, Proxy.builder(), "$status $upstream_addr");
    try (Socket established = new Socket("127.0.0.1", proxy.boundAddresses().get(0).getPort())) {
      established.setSoTimeout(10_000);
      established.getOutputStream().write(1);
      assertThat(established.getInputStream().read()).isEqualTo(1);

      upstream.addServer(ServerSpec.of(two.address()));
      upstream.drain(one.address(), true);
      upstream.reweight(two.address(), 3);
      assertThat(fetch(proxy)).isEqualTo("2");
      assertThat(fetch(proxy)).isEqualTo("2");

      upstream.drain(one.address(), false);
      upstream.removeServer(one.address());
      assertThat(fetch(proxy)).isEqualTo("2");

      // the first session still works, through a server no longer in the upstream
      established.getOutputStream().write(2);
      assertThat(established.getInputStream().read()).isEqualTo(2);
      assertThat(proxy.activeSessions()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
  }

  @Test
  void backendsFollowTheirHealthSourceAndTheProxyIsAHealthSource() throws Exception {
    BlockingBackend a = named("A");
    BlockingBackend b = named("B");
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            List.of(ServerSpec.of(a.address()), ServerSpec.of(b.address())));
    HealthSignal checkA = HealthSignal.up("check-a");
    HealthSignal checkB = HealthSignal.up("check-b");
    upstream.track(a.address(), checkA);
    upstream.track(b.address(), checkB);
    Proxy proxy = start(upstream, Proxy.builder(), "$status");
    assertThat(proxy.current().isUp()).isTrue();
    checkA.down("connect refused");
    assertThat(List.of(fetch(proxy), fetch(proxy))).containsExactly("B", "B");
    checkB.down("connect refused");
    assertThat(proxy.current().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(proxy.current().cause()).contains("no available server");
    checkA.up();
    assertThat(proxy.current().isUp()).isTrue();
    assertThat(fetch(proxy)).isEqualTo("A");
    proxy.stop();
    assertThat(proxy.current().cause()).isEqualTo("stopped");
  }

  @Test
  void gracefulStopDrainsThenCloses() throws Exception {
    EchoBackend echo = closing(new EchoBackend());
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(echo.address())));
    Proxy proxy = start(upstream, Proxy.builder().drainTimeout(Duration.ofMillis(500)), "$status");
    Socket open = closing(new Socket("127.0.0.1", proxy.boundAddresses().get(0).getPort()));
    open.setSoTimeout(10_000);
    open.getOutputStream().write(5);
    assertThat(open.getInputStream().read()).isEqualTo(5);
    long start = System.nanoTime();
    proxy.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(450));
    InputStream in = open.getInputStream();
    int r;
    try {
      r = in.read();
    } catch (java.net.SocketException e) {
      r = -1;
    }
    assertThat(r).isEqualTo(-1);
    assertThat(proxy.activeSessions()).isZero();
  }

  @Test
  void nioTransportBehavesTheSame() throws Exception {
    BlockingBackend a = named("A");
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(a.address())));
    Proxy proxy =
        start(
            upstream,
            Proxy.builder().forceNio(true).relay(RelayKind.SPLICE),
            "$status $bytes_sent");
    assertThat(proxy.relay()).isEqualTo(RelayKind.COPY);
    assertThat(fetch(proxy)).isEqualTo("A");
    assertThat(awaitLog(1)).startsWith("200 1");
  }

  @Test
  void consistentHashKeepsAClientOnOneServer() throws Exception {
    BlockingBackend a = named("A");
    BlockingBackend b = named("B");
    BlockingBackend c = named("C");
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.parse("hash $remote_addr consistent"),
            List.of(
                ServerSpec.of(a.address()),
                ServerSpec.of(b.address()),
                ServerSpec.of(c.address())));
    Proxy proxy = start(upstream, Proxy.builder(), "$status");
    String first = fetch(proxy);
    for (int i = 0; i < 5; i++) {
      assertThat(fetch(proxy)).isEqualTo(first);
    }
  }
}
