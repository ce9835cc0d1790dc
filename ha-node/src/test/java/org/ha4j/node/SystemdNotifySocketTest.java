package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.linux.LinuxClock;
import org.ha4j.core.testing.FakeNotifySocket;
import org.ha4j.core.testing.OpenSockets;
import org.ha4j.proxy.RelayKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notify protocol end to end without systemd: a proxy node from an nginx.conf, started
 * in-process on loopback (no privilege needed), tells a real AF_UNIX datagram socket the test
 * bound, at a path and at an abstract name, what systemd would be told.
 */
class SystemdNotifySocketTest {

  private static final String WATCHDOG_THREAD = "ha4j-systemd-watchdog";

  @TempDir Path dir;

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private ServerSocket backend;
  private int port;

  @BeforeEach
  void backend() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
  }

  @AfterEach
  void closeBackend() throws Exception {
    backend.close();
  }

  @Test
  void aNodeTellsAPathSocketReadyWatchdogReloadingAndStoppingInOrder() throws Exception {
    try (FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      Set<String> socketsBefore = OpenSockets.now();
      // WatchdogSec=200ms: a tick every 100 ms
      SystemdNotifier notifier =
          notifier(systemd.name(), Map.of(NotifyEnvironment.WATCHDOG_USEC, "200000"));
      assertThat(notifier.watchdogInterval()).contains(Duration.ofMillis(100));
      Lifecycle node = notifier.supervise(proxyNode());

      node.start();
      assertThat(systemd.next()).isEqualTo("READY=1");
      assertThat(connects()).as("READY=1 means the listener is bound").isTrue();
      assertThat(systemd.next()).isEqualTo("WATCHDOG=1");
      assertThat(systemd.next()).isEqualTo("WATCHDOG=1");

      long before = LinuxClock.monotonicMicros();
      notifier.reload(() -> null);
      long after = LinuxClock.monotonicMicros();
      String reloading = systemd.nextBesidesWatchdog();
      assertThat(reloading).startsWith("RELOADING=1\nMONOTONIC_USEC=");
      assertThat(Long.parseLong(reloading.substring(reloading.lastIndexOf('=') + 1)))
          .as("CLOCK_MONOTONIC, the clock systemd compares it with")
          .isBetween(before, after);
      assertThat(systemd.nextBesidesWatchdog()).isEqualTo("READY=1\nSTATUS=");

      node.stop();
      assertThat(systemd.nextBesidesWatchdog()).isEqualTo("STOPPING=1");
      // three watchdog intervals without a message: nothing follows STOPPING=1
      assertThat(systemd.poll(300)).isNull();
      assertThat(connects()).isFalse();
      assertLeftNothingBehind(socketsBefore);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void aNodeTellsAnAbstractSocketReadyAndStopping() throws Exception {
    String name = "@ha4j-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (FakeNotifySocket systemd = FakeNotifySocket.bind(name)) {
      Set<String> socketsBefore = OpenSockets.now();
      Lifecycle node = notifier(name, Map.of()).supervise(proxyNode());
      node.start();
      assertThat(systemd.next()).isEqualTo("READY=1");
      assertThat(connects()).isTrue();
      node.stop();
      assertThat(systemd.next()).isEqualTo("STOPPING=1");
      assertThat(systemd.poll(0)).isNull();
      assertLeftNothingBehind(socketsBefore);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void aMissingSocketIsLoggedOnceByNameAndTheNodeRunsAnyway() throws Exception {
    String missing = dir.resolve("no-such-socket").toString();
    Set<String> socketsBefore = OpenSockets.now();
    SystemdNotifier notifier = notifier(missing, Map.of(NotifyEnvironment.WATCHDOG_USEC, "20000"));
    Lifecycle node = notifier.supervise(proxyNode());
    node.start();
    assertThat(connects()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> !warnings.isEmpty());
    notifier.reload(() -> null);
    node.stop();
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith("systemd notify: READY=1 not sent to NOTIFY_SOCKET=" + missing)
        .contains(": socket missing (sendto(" + missing + ")")
        .contains("errno 2");
    assertLeftNothingBehind(socketsBefore);
  }

  @Test
  void inProductionAMissingSocketIsOneWarningInTheLog() throws Exception {
    String missing = dir.resolve("absent").toString();
    String log =
        capturingStderr(
            () -> {
              SystemdNotifier notifier =
                  SystemdNotifier.fromEnvironment(
                      Map.of(NotifyEnvironment.NOTIFY_SOCKET, missing),
                      ProcessHandle.current().pid());
              notifier.ready();
              notifier.stopping();
            });
    assertThat(log.lines().filter(l -> l.contains("systemd notify:")))
        .singleElement()
        .asString()
        .contains("WARN", "SystemdNotifier", "READY=1 not sent", ": socket missing (");
  }

  @Test
  void anUnboundAbstractNameIsASocketMissingToo() throws Exception {
    SystemdNotifier notifier = notifier("@ha4j-nobody-" + System.nanoTime(), Map.of());
    notifier.ready();
    notifier.stopping();
    assertThat(warnings).singleElement().asString().contains(": socket missing (", "errno 111");
  }

  @Test
  void withoutNotifySocketTheNodeRunsAsItIsAndNothingIsLogged() throws Exception {
    String log =
        capturingStderr(
            () -> {
              Lifecycle node = SystemdNotifier.fromEnvironment().supervise(proxyNode());
              node.start();
              assertThat(connects()).isTrue();
              node.stop();
            });
    assertThat(log).doesNotContainIgnoringCase("notify");
    assertThat(watchdogThreads()).isEmpty();
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  /**
   * What is logged while {@code action} runs: slf4j-simple writes to the System.err of the moment.
   */
  private static String capturingStderr(Action action) throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(stderr);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private SystemdNotifier notifier(String socket, Map<String, String> more) {
    Map<String, String> environment = new HashMap<>(more);
    environment.put(NotifyEnvironment.NOTIFY_SOCKET, socket);
    return new SystemdNotifier(
        NotifyEnvironment.of(environment, ProcessHandle.current().pid()),
        new UnixNotifyTransport(),
        LinuxClock::monotonicMicros,
        warnings::add);
  }

  private StreamProxyNode proxyNode() throws Exception {
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(
        conf,
        """
        stream {
          server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:%d; }
        }
        """
            .formatted(port, backend.getLocalPort()));
    return HaNode.streamProxy(
        conf, new NodeOptions(Set.of(), RelayKind.COPY, Duration.ZERO, event -> {}));
  }

  private boolean connects() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The node's and the notifier's sockets are closed and the watchdog's thread is gone. */
  private static void assertLeftNothingBehind(Set<String> socketsBefore) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(OpenSockets.leakedSince(socketsBefore)).isEmpty());
    assertThat(watchdogThreads()).isEmpty();
  }

  private static List<Thread> watchdogThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(WATCHDOG_THREAD) && t.isAlive())
        .toList();
  }
}
