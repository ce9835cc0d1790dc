package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.BlockingBackend;
import org.ha4j.proxy.EchoBackend;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;
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
 * The proxy's standing fault suite: every fault on every relay (and the copy relay on NIO too),
 * each followed by the same invariants, not just "it still answers":
 *
 * <ul>
 *   <li>resources back to the baseline taken before the fault: open fds, threads, Netty direct
 *       memory, and an idle CPU share below {@value ResourceBaseline#IDLE_CPU_SHARE} of a core (a
 *       loop spinning on a dead socket fails it);
 *   <li>bytes: every checksummed echo stream arrives whole, or its session ends with a status in
 *       the access log (one access log line per accepted connection);
 *   <li>logs: an expected fault shows as at most one named line per kind (its rate limit), never
 *       with a stack trace, and never as Netty's "reached the tail of the pipeline".
 * </ul>
 *
 * The proxy, its backends and its clients share this JVM, on loopback with ephemeral ports; so the
 * invariants cover the backends' and clients' sockets too, which all have to be closed once the
 * fault is over.
 */
@Timeout(120)
class ProxyFaultIT {

  /**
   * Connections of the storm; CI keeps the default, {@code -Dha4j.faults.storm=100000} for the full
   * one.
   */
  static final int STORM = Integer.getInteger("ha4j.faults.storm", 10_000);

  static final int IDLE_CLIENTS = 5_000;
  static final int SESSIONS = 24;
  static final int STREAM = 256 * 1024;

  /**
   * Sessions before the baseline, as many and as parallel as a fault's, so the pools have grown to
   * size.
   */
  static final int WARM_UP = 24;

  static {
    // every buffer tracked: one the proxy never releases is reported ("LEAK:") once it is collected
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  enum Fault {
    BACKEND_REFUSED,
    BACKEND_RESET,
    BACKEND_BLACK_HOLED,
    BACKEND_NEVER_ANSWERS,
    BACKEND_DIES_MID_STREAM,
    CLIENT_RESET_MID_STREAM,
    FD_EXHAUSTION,
    ACCESS_LOG_DISK_FULL,
    CONNECTION_STORM,
    IDLE_CLIENTS
  }

  /** A relay on a transport: every relay on epoll, and the copy relay on NIO. */
  record Setup(RelayKind relay, boolean nio) {
    @Override
    public String toString() {
      return relay.name().toLowerCase(java.util.Locale.ROOT) + (nio ? "/nio" : "/epoll");
    }
  }

  static Stream<Arguments> everyFaultOnEveryRelay() {
    // -Dha4j.faults=FD_EXHAUSTION,CONNECTION_STORM runs only those; -Dha4j.faults.setups=copy/epoll
    // only that
    String only = System.getProperty("ha4j.faults", "");
    String onlySetups = System.getProperty("ha4j.faults.setups", "");
    List<Setup> setups =
        List.of(
            new Setup(RelayKind.SPLICE, false),
            new Setup(RelayKind.COPY, false),
            new Setup(RelayKind.AUTO, false),
            new Setup(RelayKind.COPY, true));
    List<Arguments> out = new ArrayList<>();
    for (Fault fault : Fault.values()) {
      if (!only.isBlank() && !List.of(only.split(",")).contains(fault.name())) {
        continue;
      }
      for (Setup setup : setups) {
        if (!onlySetups.isBlank() && !List.of(onlySetups.split(",")).contains(setup.toString())) {
          continue;
        }
        out.add(Arguments.of(fault, setup));
      }
    }
    return out.stream();
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final StringWriter accessLogText = new StringWriter();
  private AccessLog accessLog;
  private FullDisk disk;
  private EchoBackend live;
  private Upstream upstream;
  private Proxy proxy;
  private int port;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("everyFaultOnEveryRelay")
  void afterEveryFaultTheProxyIsBackToBaseline(Fault fault, Setup setup) throws Exception {
    if (setup.relay() != RelayKind.COPY) {
      Privileges.assumeThat(
          SpliceEngine.available(), "the " + setup + " relay needs splice(2) (Linux)");
    }
    LogCapture logs =
        closing(LogCapture.start()); // from the start: the warm-up has to log cleanly too
    live = closing(new EchoBackend());
    String faulty = faultyServer(fault);
    List<ServerSpec> servers = new ArrayList<>(List.of(ServerSpec.parse(live.address())));
    if (faulty != null) {
      // max_fails=0: the faulty server stays in rotation, every other session meets the fault
      servers.add(ServerSpec.parse(faulty + " max_fails=0"));
    }
    upstream = new Upstream("u", BalancingStrategies.roundRobin(), servers);
    AccessLogFormat format =
        AccessLogFormat.parse("$status $upstream_addr $bytes_received $bytes_sent");
    if (fault == Fault.ACCESS_LOG_DISK_FULL) {
      disk = closing(FullDisk.mount(64));
      accessLog = AccessLog.toFile(disk.file("access.log"), format);
      disk.fill("filler"); // an empty log needs a new block for its first line: none is left
    } else {
      accessLog = AccessLog.toWriter(accessLogText, format);
    }
    Proxy.Builder builder =
        Proxy.builder()
            .listen("127.0.0.1:0", upstream)
            .relay(setup.relay())
            .forceNio(setup.nio())
            .ioThreads(2)
            .drainTimeout(Duration.ZERO)
            .accessLog(accessLog);
    if (fault == Fault.BACKEND_BLACK_HOLED) {
      builder.connectTimeout(Duration.ofMillis(300));
    }
    if (fault == Fault.BACKEND_NEVER_ANSWERS) {
      builder.idleTimeout(Duration.ofMillis(500));
    }
    proxy = builder.build();
    proxy.start();
    closing(proxy::stop);
    assertThat(proxy.relay()).isEqualTo(setup.relay());
    port = proxy.boundAddresses().get(0).getPort();

    // warm up with the faulty server out of rotation: pools that keep what they grew to are in the
    // baseline
    if (faulty != null) {
      upstream.drain(faulty, true);
    }
    assertThat(Clients.echoSessions(port, WARM_UP, 8, STREAM))
        .as("warm-up sessions whole")
        .isEqualTo(WARM_UP);
    awaitQuiet();
    ResourceBaseline baseline = ResourceBaseline.take(proxy);
    long acceptedBefore = accepted();
    if (faulty != null) {
      upstream.drain(faulty, false);
    }

    List<ProxyFault> expected = inject(fault);
    awaitQuiet();
    closeFaultyServers();
    long sessions = accepted() - acceptedBefore;
    await(
        () -> accessLog.written() + accessLog.failed() == sessions + WARM_UP,
        "one access log line"
            + " written or counted as lost per session ("
            + sessions
            + " after "
            + WARM_UP
            + " warm-up ones)");
    if (fault != Fault.ACCESS_LOG_DISK_FULL) {
      assertThat(accessLogText.toString().lines().count()).isEqualTo(sessions + WARM_UP);
    }
    baseline.assertBackAfter(fault + " on " + setup);
    assertLogs(logs, expected, fault + " on " + setup);
  }

  // ---------------------------------------------------------------- faults

  private final List<AutoCloseable> faultyServers = new ArrayList<>();
  private final CountDownLatch releaseSilent = new CountDownLatch(1);

  /** The second server of the upstream for a backend fault, null for the others. */
  private String faultyServer(Fault fault) throws IOException {
    return switch (fault) {
      case BACKEND_REFUSED -> refusedAddress();
      case BACKEND_BLACK_HOLED -> faulty(new BlackHole()).address();
      case BACKEND_RESET ->
          faulty(
                  new BlockingBackend(
                      s -> {
                        s.getInputStream().read(new byte[4096]);
                        s.setSoLinger(true, 0);
                        s.close();
                      }))
              .address();
      case BACKEND_NEVER_ANSWERS ->
          faulty(
                  new BlockingBackend(
                      s -> {
                        s.getInputStream()
                            .readAllBytes(); // takes the request, answers nothing, keeps the
                        // connection
                        releaseSilent.await(60, TimeUnit.SECONDS);
                        s.close();
                      }))
              .address();
      case BACKEND_DIES_MID_STREAM ->
          faulty(
                  new BlockingBackend(
                      s -> {
                        byte[] first = s.getInputStream().readNBytes(16 * 1024);
                        s.getOutputStream().write(first);
                        s.getOutputStream().flush();
                        s.setSoLinger(true, 0);
                        s.close();
                      }))
              .address();
      default -> null;
    };
  }

  private <T extends AutoCloseable> T faulty(T server) {
    faultyServers.add(server);
    return closing(server);
  }

  private void closeFaultyServers() throws Exception {
    releaseSilent.countDown();
    for (AutoCloseable s : faultyServers) {
      s.close();
    }
  }

  /**
   * Runs the fault and its own checks; returns the fault kinds the proxy must have counted and
   * logged.
   */
  private List<ProxyFault> inject(Fault fault) throws Exception {
    switch (fault) {
      case BACKEND_REFUSED -> {
        // every refused attempt moves on to the live server: nothing is cut
        assertThat(Clients.echoSessions(port, SESSIONS, 8, STREAM))
            .as("whole sessions")
            .isEqualTo(SESSIONS);
        return List.of(ProxyFault.UPSTREAM_CONNECT_FAILED);
      }
      case BACKEND_BLACK_HOLED -> {
        // clients that leave while the proxy still waits for the black hole: their half-made
        // connects must be closed too
        for (int i = 0; i < 4; i++) {
          Socket impatient = Clients.connect(port);
          impatient.setSoLinger(true, 0);
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
          impatient.close();
        }
        assertThat(Clients.echoSessions(port, SESSIONS, 8, STREAM))
            .as("whole sessions")
            .isEqualTo(SESSIONS);
        // the impatient clients' resets are found once their sessions reach a live server and relay
        return List.of(ProxyFault.UPSTREAM_CONNECT_FAILED, ProxyFault.CLIENT_RESET);
      }
      case BACKEND_RESET, BACKEND_DIES_MID_STREAM, BACKEND_NEVER_ANSWERS -> {
        int whole = Clients.echoSessions(port, SESSIONS, 8, STREAM);
        // round robin: half the sessions reach the live server and must be whole, half meet the
        // fault
        assertThat(whole).as("whole sessions").isEqualTo(SESSIONS / 2);
        // a reset is a named fault; a server that stays silent ends by proxy_timeout, an ordinary
        // end
        return fault == Fault.BACKEND_NEVER_ANSWERS
            ? List.of()
            : List.of(ProxyFault.UPSTREAM_RESET);
      }
      case CLIENT_RESET_MID_STREAM -> {
        byte[] data = Clients.payload(STREAM, 7);
        for (int i = 0; i < SESSIONS; i++) {
          Socket s = Clients.connect(port);
          s.getOutputStream().write(data);
          s.getInputStream().readNBytes(1024); // the stream is under way both ways
          s.setSoLinger(true, 0);
          s.close();
        }
        await(() -> live.open.get() == 0, "the backend saw every client's reset");
        return List.of(ProxyFault.CLIENT_RESET);
      }
      case ACCESS_LOG_DISK_FULL -> {
        diskFullThenRoom();
        return List.of(ProxyFault.ACCESS_LOG_WRITE_FAILED);
      }
      case FD_EXHAUSTION -> {
        exhaustFdsThenRecover();
        return List.of(ProxyFault.ACCEPT_OUT_OF_FDS, ProxyFault.NO_UPSTREAM_SOCKET);
      }
      case CONNECTION_STORM -> {
        connectionStorm();
        return List.of();
      }
      case IDLE_CLIENTS -> {
        idleClientsDoNoHarm();
        return List.of();
      }
    }
    throw new AssertionError(fault);
  }

  /**
   * Clients connect while this JVM has no descriptor left: the proxy's accept fails with EMFILE. It
   * has to say so once, by name, and keep trying. With one descriptor back, a client is accepted
   * but no socket can be opened towards a server: that session ends with 500, which frees the
   * descriptor for the next one. With all of them back, the clients that waited meanwhile are
   * served.
   */
  private void exhaustFdsThenRecover() throws Exception {
    int clients = 8;
    List<SocketChannel> refused = new ArrayList<>();
    List<SocketChannel> served = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      refused.add(SocketChannel.open()); // opened before: connecting needs no new descriptor
      served.add(SocketChannel.open());
    }
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
    // what runs while exhausted must already be loaded: loading a class needs a descriptor
    long failuresBefore = acceptFailures();
    long noSocketBefore = proxy.faults().get(ProxyFault.NO_UPSTREAM_SOCKET);
    // the exhaustion starts from rest: a descriptor a warm-up session still held would come free
    // in the middle of it (one freed before the release is taken back by releaseOne)
    awaitWhileExhausted(() -> proxy.listenerStats().get(0).active() == 0);
    try (FdExhaustion exhausted = FdExhaustion.exhaust()) {
      assertThat(exhausted.held()).isPositive();
      for (SocketChannel c : refused) {
        c.connect(target); // the kernel completes it into the accept queue
      }
      // two failed accepts: the proxy paused and tried again, still out of descriptors
      awaitWhileExhausted(() -> acceptFailures() >= failuresBefore + 2);
      exhausted.releaseOne();
      awaitWhileExhausted(
          () -> proxy.faults().get(ProxyFault.NO_UPSTREAM_SOCKET) == noSocketBefore + clients);
      exhausted.takeAll();
      for (SocketChannel c : served) {
        c.connect(target);
      }
      awaitWhileExhausted(() -> acceptFailures() >= failuresBefore + 4);
    }
    assertThat(acceptFailures())
        .as("accept failures counted while out of descriptors")
        .isGreaterThanOrEqualTo(failuresBefore + 4);
    assertThat(proxy.faults().get(ProxyFault.NO_UPSTREAM_SOCKET))
        .as("sessions without an upstream socket")
        .isEqualTo(noSocketBefore + clients);
    for (SocketChannel c : refused) {
      try (Socket s = c.socket()) {
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read())
            .as("a session that got no upstream socket is closed")
            .isEqualTo(-1);
      }
    }
    // descriptors are back: the waiting clients are accepted and served, byte-exact
    for (int i = 0; i < clients; i++) {
      try (Socket s = served.get(i).socket()) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(i);
        assertThat(s.getInputStream().read()).as("client %d served after recovery", i).isEqualTo(i);
      }
    }
    assertThat(Clients.echoSessions(port, 4, 2, STREAM)).as("new sessions whole").isEqualTo(4);
  }

  /**
   * A bounded wait that uses no descriptor and loads no class (the assertion comes after the
   * release).
   */
  private static void awaitWhileExhausted(BooleanSupplier condition) {
    // generous: each session out of descriptors may wait out the proxy's 500 ms accept pause, and a
    // loaded CI machine stretches that; the assertions after it are what is tested
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean() && deadlineNotPassed(deadline)) {
      LockSupport.parkNanos(10_000_000L);
    }
  }

  /**
   * The access log's disk is full (since before the warm-up): sessions are served all the same and
   * the lost lines counted; once there is room again, lines are written again, and the file holds
   * only whole lines.
   */
  private void diskFullThenRoom() throws Exception {
    assertThat(Clients.echoSessions(port, SESSIONS, 8, STREAM))
        .as("sessions whole with the disk full")
        .isEqualTo(SESSIONS);
    await(
        () -> accessLog.failed() == WARM_UP + SESSIONS,
        "the lines that did not fit counted as lost");
    assertThat(accessLog.written()).isZero();
    Files.delete(disk.file("filler"));
    assertThat(Clients.echoSessions(port, 4, 2, STREAM))
        .as("sessions whole with room again")
        .isEqualTo(4);
    await(() -> accessLog.written() == 4, "logging resumed");
    List<String> lines = Files.readAllLines(disk.file("access.log"));
    assertThat(lines).hasSize(4).allMatch(l -> l.matches("200 127\\.0\\.0\\.1:\\d+ \\d+ \\d+"));
  }

  private static boolean deadlineNotPassed(long deadline) {
    return System.nanoTime() - deadline < 0;
  }

  /** Many short connections, several at a time: each answered, none left behind. */
  private void connectionStorm() throws Exception {
    int threads = 4;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  for (int i = next.getAndIncrement(); i < STORM; i = next.getAndIncrement()) {
                    try (Socket s = Clients.connect(port)) {
                      s.getOutputStream().write(i);
                      if (s.getInputStream().read() != (i & 0xff)) {
                        throw new AssertionError("connection " + i + " not echoed");
                      }
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "storm-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(TimeUnit.SECONDS.toMillis(90));
    }
    assertThat(failures).isEmpty();
    assertThat(live.accepted.get())
        .as("connections that reached the backend")
        .isGreaterThanOrEqualTo(STORM);
  }

  /**
   * Thousands of established, silent sessions: the proxy idles, and a new session is served whole.
   */
  private void idleClientsDoNoHarm() throws Exception {
    FdLimit limit =
        FdLimit.atLeast(3L * IDLE_CLIENTS + 2_000); // three descriptors per session in this JVM
    IdleClients idle = IdleClients.connect(port, IDLE_CLIENTS);
    try {
      assertThat(proxy.activeSessions()).isEqualTo(IDLE_CLIENTS);
      ResourceBaseline.take(proxy).assertIdle(IDLE_CLIENTS + " idle sessions");
      assertThat(Clients.echoSessions(port, 4, 2, 4 << 20))
          .as("sessions beside the idle ones whole")
          .isEqualTo(4);
    } finally {
      idle.close();
      limit.close();
    }
  }

  // ---------------------------------------------------------------- checks

  private long accepted() {
    return proxy.listenerStats().get(0).accepted();
  }

  private long acceptFailures() {
    ListenerStats stats = proxy.listenerStats().get(0);
    return stats.acceptFailures();
  }

  private void awaitQuiet() {
    await(() -> proxy.activeSessions() == 0, "every session ended");
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (!deadlineNotPassed(deadline)) {
        throw new AssertionError("not within 20 s: " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  /**
   * One named line per expected fault kind, none for the others, no stack trace, no unhandled
   * exception.
   */
  private void assertLogs(LogCapture logs, List<ProxyFault> expected, String what) {
    Map<ProxyFault, Long> counted = proxy.faults();
    for (ProxyFault kind : ProxyFault.values()) {
      long lines = logs.count("org.ha4j.proxy.Proxy - " + kind.description() + ": ");
      if (expected.contains(kind)) {
        assertThat(counted.get(kind)).as(what + ": " + kind + " counted").isPositive();
        assertThat(lines).as(what + ": one rate-limited line for " + kind).isEqualTo(1);
      } else {
        assertThat(lines).as(what + ": lines for " + kind).isZero();
      }
    }
    ResourceBaseline.collectLeakedBuffers();
    assertThat(logs.count("LEAK:"))
        .as(what + ": buffers never released (Netty's leak detector)")
        .isZero();
    assertThat(logs.stackTraceLines()).as(what + ": stack traces logged").isEmpty();
    assertThat(logs.count("reached at the tail of the pipeline"))
        .as(what + ": unhandled exceptions")
        .isZero();
  }

  /** A port nobody listens on: bound then closed, so connecting is refused at once. */
  static String refusedAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }
}
