package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPv6 through a real proxy on loopback, built from an nginx {@code stream {}} block as the node
 * builds it: {@code listen PORT} is IPv4 only, {@code listen [::1]:PORT} is IPv6, and {@code deny
 * all} turns IPv6 clients away as nginx does.
 */
class NginxIpv6ListenTest {

  private static final InetAddress V4 = InetAddress.getLoopbackAddress();
  private static final InetAddress V6 = loopback6();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Proxy> proxies = new ArrayList<>();
  private final StringWriter log = new StringWriter();

  private static InetAddress loopback6() {
    try {
      return InetAddress.getByName("::1");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @ParameterizedTest(name = "nio={0}")
  @ValueSource(booleans = {false, true})
  void ipv6ListenersAndAccessRulesBehaveAsInNginx(boolean nio) throws Exception {
    BlockingBackend v4Backend = backend(V4, "A");
    BlockingBackend v6Backend = backend(V6, "B");
    int p4 = freePort(V4);
    int p6Denied = freePort(V6);
    int p6Allowed = freePort(V6);
    String v6Server = "[::1]:" + v6Backend.server.getLocalPort();
    NginxStreamConfig config =
        NginxStreamConfigLoader.load(
            "ipv6.conf",
            """
                stream {
                    log_format ip '$server_port $status $remote_addr $server_addr $upstream_addr';
                    access_log %s ip;
                    upstream v4 { server %s; }
                    upstream v6 { server %s; }
                    server { listen %d; allow 10.0.0.0/8; allow 127.0.0.1; deny all; proxy_pass v4; }
                    server { listen [::1]:%d; allow 10.0.0.0/8; deny all; proxy_pass v4; }
                    server { listen [::1]:%d; allow fd00:200::/64; allow ::1; deny all; proxy_pass v6; }
                }
                """
                .formatted(
                    System.getProperty("java.io.tmpdir") + "/unused.log",
                    v4Backend.address(),
                    v6Server,
                    p4,
                    p6Denied,
                    p6Allowed));
    for (NginxStreamConfig.Server server : config.servers()) {
      start(config, server, nio);
    }

    assertThat(fetch(V4, p4)).isEqualTo("A");
    // nginx binds "listen PORT" to 0.0.0.0 only: nothing answers on ::1
    assertThatThrownBy(() -> fetch(V6, p4)).isInstanceOf(ConnectException.class);
    // "deny all" covers IPv6 clients too
    assertThat(fetch(V6, p6Denied)).isEmpty();
    assertThat(fetch(V6, p6Allowed)).isEqualTo("B");
    // an IPv6-only listener: IPv4 clients cannot reach it
    assertThatThrownBy(() -> fetch(V4, p6Allowed)).isInstanceOf(ConnectException.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> log.toString().lines().count() >= 3);
    assertThat(log.toString().lines().map(l -> l.substring(l.indexOf(' ') + 1)).sorted())
        .containsExactly(
            "200 127.0.0.1 127.0.0.1 " + v4Backend.address(),
            "200 ::1 ::1 " + v6Server,
            "403 ::1 ::1 v4");
    assertThat(proxies.get(1).listenerStats().get(0).forbidden()).isEqualTo(1);

    for (Proxy proxy : proxies) {
      proxy.stop();
      assertThat(proxy.listenerStats()).allSatisfy(s -> assertThat(s.active()).isZero());
    }
    // the listeners are gone: every port can be bound again
    for (int port : new int[] {p4}) {
      new ServerSocket(port, 1, V4).close();
    }
    for (int port : new int[] {p6Denied, p6Allowed}) {
      new ServerSocket(port, 1, V6).close();
    }
  }

  @org.junit.jupiter.api.Test
  void ipv6WildcardAndIpv4WildcardShareAPortAsWithNginxIpv6only() throws Exception {
    // the JDK cannot make an IPv6 socket IPv6-only, so this holds on the epoll transport only
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.netty.channel.epoll.Epoll.isAvailable(), "epoll");
    BlockingBackend v4Backend = backend(V4, "A");
    BlockingBackend v6Backend = backend(V6, "B");
    int shared = freePort(V4);
    int v6Only = freePort(V6);
    NginxStreamConfig config =
        NginxStreamConfigLoader.load(
            "wildcards.conf",
            """
                stream {
                    log_format ip '$status $remote_addr';
                    access_log %s ip;
                    server { listen %d; proxy_pass %s; }
                    server { listen [::]:%d; proxy_pass [::1]:%d; }
                    server { listen [::]:%d; proxy_pass [::1]:%d; }
                }
                """
                .formatted(
                    System.getProperty("java.io.tmpdir") + "/unused.log",
                    shared,
                    v4Backend.address(),
                    shared,
                    v6Backend.server.getLocalPort(),
                    v6Only,
                    v6Backend.server.getLocalPort()));
    for (NginxStreamConfig.Server server : config.servers()) {
      start(config, server, false);
    }
    assertThat(fetch(V4, shared)).isEqualTo("A");
    assertThat(fetch(V6, shared)).isEqualTo("B");
    assertThat(fetch(V6, v6Only)).isEqualTo("B");
    assertThatThrownBy(() -> fetch(V4, v6Only)).isInstanceOf(ConnectException.class);
  }

  /** What the node does with one server block (examples' InProcessProxy), in miniature. */
  private void start(NginxStreamConfig config, NginxStreamConfig.Server server, boolean nio)
      throws Exception {
    Upstream upstream =
        config
            .upstream(server.proxyPass())
            .map(
                u ->
                    new Upstream(
                        u.name(),
                        BalancingStrategies.parse(u.method().orElse("")),
                        u.servers().stream().map(line -> ServerSpec.parse(line.text())).toList()))
            .orElseGet(
                () ->
                    new Upstream(
                        server.proxyPass(),
                        BalancingStrategies.roundRobin(),
                        List.of(ServerSpec.parse(server.proxyPass()))));
    Proxy proxy =
        Proxy.builder()
            .listen(new Proxy.Listener(server.listenAddress(), upstream, 511, false))
            .accessRules(server.access())
            .accessLog(
                AccessLog.toWriter(
                    log,
                    AccessLogFormat.parse(
                        server.accessLogFormat().orElseThrow(), ZoneId.of("UTC"))))
            .drainTimeout(Duration.ofSeconds(1))
            .ioThreads(1)
            .forceNio(nio)
            .build();
    proxy.start();
    proxies.add(proxy);
    closeables.add(proxy::stop);
  }

  private BlockingBackend backend(InetAddress address, String name) throws IOException {
    BlockingBackend backend =
        new BlockingBackend(
            address,
            s -> {
              s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
              s.shutdownOutput();
              s.getInputStream().readAllBytes();
              s.close();
            });
    closeables.add(backend);
    return backend;
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, address)) {
      return s.getLocalPort();
    }
  }

  /** What a client reads before the proxy closes; empty when it was turned away. */
  private static String fetch(InetAddress address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 5000);
      s.setSoTimeout(10_000);
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (java.net.SocketException reset) {
      if (reset instanceof ConnectException) {
        throw reset;
      }
      return "";
    }
  }
}
