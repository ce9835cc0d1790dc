package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.AccessRules;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.EchoBackend;
import org.ha4j.proxy.ListenerSettings;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Proxy#reconfigure} under load: a kept listener never refuses, established sessions are
 * never cut (those on a removed server or a removed listener included), new servers and listeners
 * take sessions, servers present in both configurations keep their state, and a reload that cannot
 * be applied changes nothing. After the proxy stops, descriptors, threads and direct memory are
 * back where they were before it started.
 */
@Timeout(180)
class ProxyReconfigureTest {

  static final int RELOADS = 200;
  static final int LONG_SESSIONS = 4;
  static final Duration AWAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private EchoBackend a;
  private EchoBackend b;
  private EchoBackend c;

  @BeforeEach
  void backends() throws Exception {
    a = closeLast(new EchoBackend());
    b = closeLast(new EchoBackend());
    c = closeLast(new EchoBackend());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLast(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  static Stream<Arguments> relaysAndTransports() {
    return Stream.of(
        Arguments.of(RelayKind.COPY, true),
        Arguments.of(RelayKind.COPY, false),
        Arguments.of(RelayKind.SPLICE, false));
  }

  /**
   * Configuration 1: the kept listener to {A weight=2, B} by round robin. Configuration 2: the same
   * listener to {B weight=3, C} by least_conn, and a second listener on {@code secondPort}.
   */
  private Proxy config(int which, int mainPort, int secondPort, RelayKind relay, boolean nio) {
    Proxy.Builder builder =
        Proxy.builder()
            .relay(relay)
            .forceNio(nio)
            .ioThreads(2)
            .drainTimeout(Duration.ofSeconds(30));
    if (which == 1) {
      Upstream app =
          new Upstream(
              "app",
              BalancingStrategies.roundRobin(),
              List.of(ServerSpec.parse(a.address() + " weight=2"), ServerSpec.parse(b.address())));
      return builder.listen("127.0.0.1:" + mainPort, app).build();
    }
    Upstream app =
        new Upstream(
            "app",
            BalancingStrategies.leastConn(),
            List.of(ServerSpec.parse(b.address() + " weight=3"), ServerSpec.parse(c.address())));
    return builder
        .listen("127.0.0.1:" + mainPort, app)
        .listen("127.0.0.1:" + secondPort, app)
        .build();
  }

  private static void assumeRelay(RelayKind relay) {
    if (relay != RelayKind.COPY) {
      Privileges.assumeThat(
          SpliceEngine.available(), "the " + relay + " relay needs splice(2) (Linux)");
    }
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void reloadsUnderLoadLoseNothing(RelayKind relay, boolean nio) throws Exception {
    assumeRelay(relay);
    int secondPort = freePort();
    warmUp(relay, nio, secondPort);
    Proxy proxy = config(1, 0, secondPort, relay, nio);
    ResourceBaseline baseline = ResourceBaseline.take(proxy);
    proxy.start();
    int port = proxy.boundAddresses().get(0).getPort();
    List<LongSession> longSessions = new ArrayList<>();
    ShortLoad load = null;
    try {
      // smooth round robin over {A weight=2, B} picks A first: a session on A outlives A's removal
      for (int i = 0; i < LONG_SESSIONS; i++) {
        longSessions.add(new LongSession(port, 1_000 + i));
      }
      assertThat(a.open.get()).as("long sessions on A").isGreaterThanOrEqualTo(1);
      load = new ShortLoad(port, 2);
      long bSessionsBefore = 0;
      for (int i = 1; i <= RELOADS; i++) {
        int next = i % 2 == 1 ? 2 : 1;
        LongSession onSecond = next == 1 ? new LongSession(secondPort, 5_000 + i) : null;
        long cBefore = c.accepted.get();
        proxy.reconfigure(config(next, port, secondPort, relay, nio));

        List<BackendStats> servers = proxy.backendStats().get("app");
        assertThat(servers)
            .extracting(BackendStats::server)
            .as("servers after reload %d", i)
            .containsExactlyElementsOf(
                next == 1 ? List.of(a.address(), b.address()) : List.of(b.address(), c.address()));
        assertThat(proxy.upstream("app").strategy().directive())
            .isEqualTo(next == 1 ? "round_robin" : "least_conn");
        long bSessions = stats(proxy, b.address()).sessions();
        assertThat(bSessions)
            .as("B's sessions counted across reloads")
            .isGreaterThanOrEqualTo(bSessionsBefore);
        bSessionsBefore = bSessions;
        assertThat(proxy.listenerStats()).hasSize(next == 1 ? 1 : 2);
        if (next == 2) {
          await("C takes new sessions after reload " + i, () -> c.accepted.get() > cBefore);
          assertThat(echoOnce(secondPort)).as("the added listener relays").isTrue();
        } else {
          assertThat(refused(secondPort)).as("the removed listener refuses").isTrue();
          onSecond.exchange();
          onSecond.finish(); // its session drained, not cut
        }
        ShortLoad shortLoad = load;
        long served = shortLoad.served.get();
        await("short sessions served after reload " + i, () -> shortLoad.served.get() > served + 1);
        for (LongSession s : longSessions) {
          s.exchange();
        }
      }
      load.stop();
      assertThat(load.failures.get())
          .as("short sessions refused or cut on the kept listener; first: %s", load.firstFailure)
          .isZero();
      // the last reload was to configuration 1: A came back with its long sessions still counted
      await(
          "each server's active count is its open connections",
          () ->
              stats(proxy, a.address()).active() == a.open.get()
                  && stats(proxy, b.address()).active() == b.open.get()
                  && c.open.get() == 0);
      assertThat(a.open.get()).isGreaterThanOrEqualTo(1);
      for (LongSession s : longSessions) {
        s.finish();
      }
      Map<ProxyFault, Long> faults = proxy.faults();
      assertThat(faults.get(ProxyFault.CLIENT_RESET)).as("client resets").isZero();
      assertThat(faults.get(ProxyFault.UPSTREAM_RESET)).as("upstream resets").isZero();
      assertThat(faults.get(ProxyFault.NO_LIVE_UPSTREAMS)).as("502 no live upstreams").isZero();
      ListenerStats kept = proxy.listenerStats().get(0);
      assertThat(kept.unavailable() + kept.badGateway() + kept.forbidden()).isZero();
      assertThat(kept.accepted()).isGreaterThan(RELOADS * 2L);
    } finally {
      if (load != null) {
        load.stop();
      }
      for (LongSession s : longSessions) {
        s.close();
      }
      proxy.stop();
    }
    baseline.assertBackAfter(RELOADS + " reloads under load");
  }

  /**
   * A proxy run before the baseline, so the pools and threads that stay for the JVM's life are in
   * it.
   */
  private void warmUp(RelayKind relay, boolean nio, int secondPort) throws Exception {
    Proxy warm = config(2, 0, secondPort, relay, nio);
    warm.start();
    try {
      int port = warm.boundAddresses().get(0).getPort();
      assertThat(Clients.echoSessions(port, 20, 4, 4096)).isEqualTo(20);
      warm.reconfigure(config(1, port, secondPort, relay, nio));
      assertThat(Clients.echoSessions(port, 20, 4, 4096)).isEqualTo(20);
    } finally {
      warm.stop();
    }
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void aListenerThatCannotBindChangesNothing(RelayKind relay, boolean nio) throws Exception {
    Proxy running = startedConfig1(relay, nio);
    int port = running.boundAddresses().get(0).getPort();
    int free = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int busy = taken.getLocalPort();
      Upstream other = upstream("other", BalancingStrategies.leastConn(), c);
      Proxy replacement =
          Proxy.builder()
              .relay(relay)
              .forceNio(nio)
              .ioThreads(2)
              .listen("127.0.0.1:" + port, other)
              .listen("127.0.0.1:" + free, other)
              .listen("127.0.0.1:" + busy, other)
              .build();
      assertThatThrownBy(() -> running.reconfigure(replacement))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + busy);
      assertThatThrownBy(replacement::start).isInstanceOf(IllegalStateException.class);
    }
    assertThat(refused(free)).as("the listener bound by the failed reload is closed").isTrue();
    assertThat(running.boundAddresses()).hasSize(1);
    assertThat(running.backendStats().keySet()).containsExactly("app");
    assertThat(running.upstream("app").strategy().directive()).isEqualTo("round_robin");
    for (int i = 0; i < 6; i++) {
      assertThat(echoOnce(port)).isTrue();
    }
    assertThat(c.accepted.get()).as("the failed reload's upstream got no session").isZero();
    assertThat(a.accepted.get() + b.accepted.get()).isEqualTo(6);
  }

  @Test
  void settingsThatMakeTheEventLoopsNeedARestart() throws Exception {
    Proxy running = config(1, 0, freePort(), RelayKind.COPY, true);
    closeables.add(running::stop);
    assertThatThrownBy(() -> running.reconfigure(config(1, 0, 1, RelayKind.COPY, true)))
        .as("not started")
        .isInstanceOf(IllegalStateException.class);
    running.start();
    int port = running.boundAddresses().get(0).getPort();
    assertThatThrownBy(() -> running.reconfigure(config(1, port, 1, RelayKind.SPLICE, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relay")
        .hasMessageContaining("restart");
    assertThatThrownBy(() -> running.reconfigure(config(1, port, 1, RelayKind.COPY, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("force NIO")
        .hasMessageContaining("restart");
    Proxy backlog =
        Proxy.builder()
            .relay(RelayKind.COPY)
            .forceNio(true)
            .ioThreads(2)
            .listen(
                new Proxy.Listener(
                    new InetSocketAddress("127.0.0.1", port),
                    upstream("app", BalancingStrategies.roundRobin(), c),
                    64,
                    false))
            .build();
    assertThatThrownBy(() -> running.reconfigure(backlog))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backlog")
        .hasMessageContaining("127.0.0.1:");
    assertThat(echoOnce(port)).isTrue();
    assertThat(c.accepted.get()).isZero();
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void newSessionsOfAKeptListenerGetTheNewRules(RelayKind relay, boolean nio) throws Exception {
    Proxy running = startedConfig1(relay, nio);
    int port = running.boundAddresses().get(0).getPort();
    LongSession established = closeLast(new LongSession(port, 7));
    Upstream app = upstream("app", BalancingStrategies.roundRobin(), a);
    running.reconfigure(
        Proxy.builder()
            .relay(relay)
            .forceNio(nio)
            .ioThreads(2)
            .listen(
                "127.0.0.1:" + port,
                app,
                ListenerSettings.builder()
                    .accessRules(AccessRules.builder().deny("all").build())
                    .build())
            .build());
    assertThat(echoOnce(port)).as("a new session meets deny all").isFalse();
    await("the 403 counted", () -> running.listenerStats().get(0).forbidden() == 1);
    established.exchange(); // the rules of its own start
    established.finish();
  }

  @Test
  void aReplacedAccessLogClosesOnceItsSessionsEnd() throws Exception {
    RecordingWriter first = new RecordingWriter();
    RecordingWriter second = new RecordingWriter();
    Proxy running = withLog(0, first);
    closeables.add(running::stop);
    running.start();
    int port = running.boundAddresses().get(0).getPort();
    LongSession established = closeLast(new LongSession(port, 11));
    running.reconfigure(withLog(port, second));
    assertThat(echoOnce(port)).isTrue();
    await("the new session's line in the new log", () -> second.text().contains("200 1 1"));
    assertThat(first.closed).as("the old log while a session writes to it").isFalse();
    established.exchange();
    established.finish();
    await("the old log closed once its last session ended", () -> first.closed);
    assertThat(first.text())
        .as("the old session's line, in the old log")
        .isEqualTo("200 16384 16384\n");
    assertThat(second.closed).isFalse();
    running.stop();
    assertThat(second.closed).isTrue();
  }

  private Proxy withLog(int port, RecordingWriter writer) {
    Upstream app = upstream("app", BalancingStrategies.roundRobin(), a);
    return Proxy.builder()
        .relay(RelayKind.COPY)
        .forceNio(true)
        .ioThreads(2)
        .accessLog(
            AccessLog.toWriter(
                writer, AccessLogFormat.parse("$status $bytes_received $bytes_sent")))
        .listen("127.0.0.1:" + port, app)
        .build();
  }

  /** A writer whose text and closing a test can see. */
  static final class RecordingWriter extends java.io.StringWriter {
    volatile boolean closed;

    synchronized String text() {
      return toString();
    }

    @Override
    public synchronized void write(String str) {
      super.write(str);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aRemovedListenersSessionsEndAtTheDrainTimeout() throws Exception {
    int second = freePort();
    Proxy running = config(2, 0, second, RelayKind.COPY, false);
    closeables.add(running::stop);
    running.start();
    int port = running.boundAddresses().get(0).getPort();
    LongSession onSecond = closeLast(new LongSession(second, 13));
    Upstream app = upstream("app", BalancingStrategies.leastConn(), b);
    running.reconfigure(
        Proxy.builder()
            .relay(RelayKind.COPY)
            .ioThreads(2)
            .drainTimeout(Duration.ofMillis(300))
            .listen("127.0.0.1:" + port, app)
            .build());
    assertThat(refused(second)).isTrue();
    onSecond.exchange(); // not cut by the reload
    long start = System.nanoTime();
    assertThat(onSecond.awaitEnd()).as("EOF at the drain timeout").isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await("the drained session accounted", () -> running.activeSessions() == 0);
  }

  @Test
  void aKeptServerKeepsItsFailures() throws Exception {
    String refusing = RefusedUpstreamTest.refusedAddress();
    Proxy running = failing(0, refusing);
    closeables.add(running::stop);
    running.start();
    int port = running.boundAddresses().get(0).getPort();
    for (int i = 0; i < 4; i++) {
      assertThat(echoOnce(port)).isTrue(); // the refusing server fails once, then sits out
    }
    assertThat(stats(running, refusing).usable()).as("failed out before the reload").isFalse();
    running.reconfigure(failing(port, refusing));
    assertThat(stats(running, refusing).usable())
        .as("still failed out after the reload: max_fails counted, fail_timeout running")
        .isFalse();
    assertThat(stats(running, refusing).connectFailures()).isEqualTo(1);
    assertThat(stats(running, a.address()).sessions()).isEqualTo(4);
  }

  private Proxy failing(int port, String refusing) {
    return Proxy.builder()
        .relay(RelayKind.COPY)
        .forceNio(true)
        .ioThreads(2)
        .listen(
            "127.0.0.1:" + port,
            new Upstream(
                "app",
                BalancingStrategies.roundRobin(),
                List.of(
                    ServerSpec.parse(a.address()),
                    ServerSpec.parse(refusing + " max_fails=1 fail_timeout=10m"))))
        .build();
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void aKeptListenerTurnsProxyProtocolOnAndOff(RelayKind relay, boolean nio) throws Exception {
    Proxy running = startedConfig1(relay, nio);
    int port = running.boundAddresses().get(0).getPort();
    running.reconfigure(proxyProtocol(port, relay, nio, true));
    assertThat(echoOnce(port)).as("no header: refused with 400").isFalse();
    try (Socket s = Clients.connect(port)) {
      s.getOutputStream()
          .write("PROXY TCP4 10.1.2.3 10.1.2.4 1111 80\r\n*".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).as("after a header: relayed").isEqualTo('*');
    }
    running.reconfigure(proxyProtocol(port, relay, nio, false));
    assertThat(echoOnce(port)).as("no header expected any more").isTrue();
  }

  private Proxy proxyProtocol(int port, RelayKind relay, boolean nio, boolean on) {
    return Proxy.builder()
        .relay(relay)
        .forceNio(nio)
        .ioThreads(2)
        .listen(
            new Proxy.Listener(
                new InetSocketAddress("127.0.0.1", port),
                upstream("app", BalancingStrategies.roundRobin(), b),
                511,
                false,
                ListenerSettings.inherit(),
                on))
        .build();
  }

  @Test
  void aReplacementMayReuseTheRunningUpstreamObject() throws Exception {
    Proxy running = startedConfig1(RelayKind.COPY, true);
    int port = running.boundAddresses().get(0).getPort();
    Upstream app = running.upstream("app");
    running.reconfigure(
        Proxy.builder()
            .relay(RelayKind.COPY)
            .forceNio(true)
            .ioThreads(2)
            .maxConnections(5)
            .listen("127.0.0.1:" + port, app)
            .build());
    assertThat(running.upstream("app")).isSameAs(app);
    assertThat(echoOnce(port)).isTrue();
    assertThat(running.backendStats().get("app")).hasSize(2);
  }

  /**
   * Each connection sees one whole configuration of its listener: configuration X logs to its own
   * log and sends to A, Y to its own log and to B, so a line in X's log naming B (or the reverse)
   * would be a session that took X's settings with Y's upstream.
   */
  @Test
  void everySessionSeesOneWholeConfiguration() throws Exception {
    RecordingWriter xLog = new RecordingWriter();
    RecordingWriter yLog = new RecordingWriter();
    Proxy running = whole(0, "x", a, xLog);
    closeables.add(running::stop);
    running.start();
    int port = running.boundAddresses().get(0).getPort();
    ShortLoad load = new ShortLoad(port, 2);
    try {
      for (int i = 1; i <= 100; i++) {
        long served = load.served.get();
        running.reconfigure(i % 2 == 1 ? whole(port, "y", b, yLog) : whole(port, "x", a, xLog));
        await("sessions served after reload " + i, () -> load.served.get() > served);
      }
    } finally {
      load.stop();
      running.stop();
    }
    assertThat(load.failures.get()).as("first: %s", load.firstFailure).isZero();
    assertThat(xLog.text().lines()).isNotEmpty().allMatch(line -> line.equals("x " + a.address()));
    assertThat(yLog.text().lines()).isNotEmpty().allMatch(line -> line.equals("y " + b.address()));
  }

  private Proxy whole(int port, String name, EchoBackend server, RecordingWriter log) {
    return Proxy.builder()
        .relay(RelayKind.COPY)
        .ioThreads(2)
        .accessLog(AccessLog.toWriter(log, AccessLogFormat.parse(name + " $upstream_addr")))
        .listen("127.0.0.1:" + port, upstream(name, BalancingStrategies.roundRobin(), server))
        .build();
  }

  // ---------------------------------------------------------------- helpers

  private static Upstream upstream(String name, BalancingStrategy method, EchoBackend server) {
    return new Upstream(name, method, List.of(ServerSpec.parse(server.address())));
  }

  private Proxy startedConfig1(RelayKind relay, boolean nio) throws Exception {
    assumeRelay(relay);
    Proxy running = config(1, 0, freePort(), relay, nio);
    closeables.add(running::stop);
    running.start();
    return running;
  }

  private static BackendStats stats(Proxy proxy, String server) {
    return proxy.backendStats().get("app").stream()
        .filter(s -> s.server().equals(server))
        .findFirst()
        .orElseThrow(() -> new AssertionError(server + " not in " + proxy.backendStats()));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean refused(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  /** One small echo; false when the proxy ended the session without answering. */
  static boolean echoOnce(int port) throws IOException {
    try (Socket s = Clients.connect(port)) {
      s.getOutputStream().write(42);
      return s.getInputStream().read() == 42;
    } catch (java.net.SocketException e) {
      return false;
    }
  }

  static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(AWAIT)
        .pollInterval(Duration.ofMillis(2))
        .until(condition::getAsBoolean);
  }

  /**
   * A session that stays open across reloads and moves seeded bytes both ways in rounds; every byte
   * that comes back is checked against what was sent.
   */
  static final class LongSession implements AutoCloseable {
    private static final int ROUND = 8 * 1024;
    private final Socket socket;
    private final SplittableRandom out;
    private final SplittableRandom expected;
    private long sent;
    private long received;

    LongSession(int port, long seed) throws IOException {
      socket = Clients.connect(port);
      out = new SplittableRandom(seed);
      expected = new SplittableRandom(seed);
      exchange();
    }

    /** One round: {@link #ROUND} bytes out, the same bytes back. */
    void exchange() throws IOException {
      byte[] chunk = new byte[ROUND];
      for (int i = 0; i < ROUND; i++) {
        chunk[i] = (byte) out.nextInt(256);
      }
      socket.getOutputStream().write(chunk);
      sent += ROUND;
      readBack(ROUND);
    }

    private void readBack(long bytes) throws IOException {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[ROUND];
      long left = bytes;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new AssertionError("session cut after " + received + " of " + sent + " bytes");
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] != (byte) expected.nextInt(256)) {
            throw new AssertionError("byte " + (received + i) + " differs");
          }
        }
        received += n;
        left -= n;
      }
    }

    /** Waits for the proxy to end the session: what the next read returns. */
    int awaitEnd() throws IOException {
      return socket.getInputStream().read();
    }

    /** Half-closes and reads to the end: whole, and ended by the server's FIN, not a reset. */
    void finish() throws IOException {
      socket.shutdownOutput();
      assertThat(socket.getInputStream().read()).as("EOF after every byte came back").isEqualTo(-1);
      assertThat(received).isEqualTo(sent);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Threads opening short echo sessions back to back; every one must come back whole. */
  static final class ShortLoad {
    final AtomicLong served = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stopping;
    private final List<Thread> threads = new ArrayList<>();

    ShortLoad(int port, int threadCount) {
      for (int t = 0; t < threadCount; t++) {
        long seedBase = t * 1_000_000L;
        Thread thread =
            new Thread(
                () -> {
                  long seed = seedBase;
                  while (!stopping) {
                    try {
                      if (oneSession(port, seed++)) {
                        served.incrementAndGet();
                      } else {
                        fail("session " + seed + " not whole");
                      }
                    } catch (IOException e) {
                      fail(e.toString());
                    }
                  }
                },
                "short-load-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    private void fail(String why) {
      failures.incrementAndGet();
      firstFailure.compareAndSet(null, why);
    }

    private static boolean oneSession(int port, long seed) throws IOException {
      byte[] data = Clients.payload(2048, seed);
      try (Socket s = Clients.connect(port)) {
        OutputStream o = s.getOutputStream();
        o.write(data);
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] back = in.readAllBytes();
        return java.util.Arrays.equals(back, data);
      }
    }

    void stop() throws InterruptedException {
      stopping = true;
      for (Thread t : threads) {
        t.join(30_000);
        assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
      }
    }
  }
}
