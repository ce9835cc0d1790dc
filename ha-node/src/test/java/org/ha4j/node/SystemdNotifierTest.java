package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.time.VirtualScheduler;
import org.junit.jupiter.api.Test;

/**
 * The messages, their order around a node's start, reload and stop, and the watchdog in virtual
 * time, through a transport that records what would be sent.
 */
class SystemdNotifierTest {

  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> lifecycle = new CopyOnWriteArrayList<>();

  private SystemdNotifier notifier(Map<String, String> environment) {
    return notifier(
        environment,
        (socket, message) -> {
          String line = socket + " " + new String(message, StandardCharsets.UTF_8);
          sent.add(line);
          lifecycle.add(line);
        });
  }

  private SystemdNotifier notifier(Map<String, String> environment, NotifyTransport transport) {
    return new SystemdNotifier(
        NotifyEnvironment.of(environment, 7), transport, () -> 123_456_789L, warnings::add);
  }

  @Test
  void eachMessageIsOneDatagramOfKeyValueLines() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "@n"));
    systemd.ready();
    systemd.reloading();
    systemd.watchdog();
    systemd.status("draining\nlistener :8080");
    systemd.stopping();
    assertThat(sent)
        .containsExactly(
            "@n READY=1",
            "@n RELOADING=1\nMONOTONIC_USEC=123456789",
            "@n WATCHDOG=1",
            "@n STATUS=draining listener :8080",
            "@n STOPPING=1");
    assertThat(warnings).isEmpty();
  }

  @Test
  void withoutNotifySocketNothingIsSentAndNothingLogged() throws Exception {
    SystemdNotifier systemd = notifier(Map.of("WATCHDOG_USEC", "1000000"));
    assertThat(systemd.enabled()).isFalse();
    assertThat(systemd.watchdogInterval()).isEmpty();
    VirtualScheduler time = new VirtualScheduler();
    Lifecycle node = supervised(systemd, time);
    node.start();
    time.advanceBy(Duration.ofSeconds(10));
    systemd.reload(() -> "done");
    systemd.status("x");
    node.stop();
    assertThat(sent).isEmpty();
    assertThat(warnings).isEmpty();
    assertThat(lifecycle).containsExactly("node started", "node stopped");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void readyComesAfterTheNodeStartedAndStoppingBeforeItStops() throws Exception {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "/run/n"));
    Lifecycle node = supervised(systemd, new VirtualScheduler());
    node.start();
    node.stop();
    node.stop();
    assertThat(lifecycle)
        .containsExactly(
            "node started", "/run/n READY=1", "/run/n STOPPING=1", "node stopped", "node stopped");
  }

  @Test
  void aNodeThatFailsToStartIsNeverReported() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "/run/n"));
    VirtualScheduler time = new VirtualScheduler();
    Lifecycle failing =
        new SystemdSupervision<>(
            new Lifecycle() {
              @Override
              public void start() throws IOException {
                throw new IOException("bind: address in use");
              }

              @Override
              public void stop() {}
            },
            systemd,
            () -> time,
            t -> {});
    assertThatThrownBy(failing::start).hasMessage("bind: address in use");
    assertThat(sent).isEmpty();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void theWatchdogTicksAtHalfOfWatchdogUsecFromReadyUntilStopping() throws Exception {
    SystemdNotifier systemd =
        notifier(Map.of("NOTIFY_SOCKET", "/run/n", "WATCHDOG_USEC", "20000000"));
    assertThat(systemd.watchdogInterval()).contains(Duration.ofSeconds(10));
    VirtualScheduler time = new VirtualScheduler();
    Lifecycle node = supervised(systemd, time);
    node.start();
    time.advanceBy(Duration.ofMillis(9_999));
    assertThat(sent).containsExactly("/run/n READY=1");
    time.advanceBy(Duration.ofMillis(1));
    assertThat(sent).containsExactly("/run/n READY=1", "/run/n WATCHDOG=1");
    time.advanceBy(Duration.ofSeconds(25));
    assertThat(sent).filteredOn(m -> m.endsWith("WATCHDOG=1")).hasSize(3);
    node.stop();
    time.advanceBy(Duration.ofMinutes(1));
    assertThat(sent).last().isEqualTo("/run/n STOPPING=1");
    assertThat(sent).filteredOn(m -> m.endsWith("WATCHDOG=1")).hasSize(3);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aReloadIsBracketedByReloadingAndReadyEvenWhenItFails() throws Exception {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "@n"));
    assertThat(systemd.reload(() -> sent.add("applied"))).isTrue();
    assertThatThrownBy(
            () ->
                systemd.reload(
                    () -> {
                      throw new IllegalStateException("nginx.conf:3: unknown directive\nmore");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(sent)
        .containsExactly(
            "@n RELOADING=1\nMONOTONIC_USEC=123456789",
            "applied",
            "@n READY=1\nSTATUS=",
            "@n RELOADING=1\nMONOTONIC_USEC=123456789",
            "@n READY=1\nSTATUS=reload failed, running the previous configuration:"
                + " nginx.conf:3: unknown directive more");
  }

  @Test
  void aFailureIsLoggedOncePerNamedReasonAndNeverThrown() {
    List<IOException> failures =
        List.of(
            new NativeCallException("sendto(/run/n)", Errno.ENOENT, "No such file or directory"),
            new NativeCallException("sendto(/run/n)", Errno.ECONNREFUSED, "Connection refused"),
            new NativeCallException("sendto(/run/n)", Errno.EACCES, "Permission denied"),
            new NativeCallException("sendto(/run/n)", Errno.ENOBUFS, "No buffer space"),
            new UnixNotifyTransport.NativeUnavailableException("the native layer needs Linux"));
    int[] next = {0};
    SystemdNotifier systemd =
        notifier(
            Map.of("NOTIFY_SOCKET", "/run/n"),
            (socket, message) -> {
              throw failures.get(Math.min(next[0]++, failures.size() - 1));
            });
    for (int i = 0; i < 8; i++) {
      systemd.watchdog();
    }
    assertThat(warnings)
        .containsExactly(
            "systemd notify: WATCHDOG=1 not sent to NOTIFY_SOCKET=/run/n: socket missing"
                + " (sendto(/run/n) failed: errno 2 (No such file or directory)); later 'socket"
                + " missing' failures are not logged, and the node keeps running",
            "systemd notify: WATCHDOG=1 not sent to NOTIFY_SOCKET=/run/n: access denied"
                + " (sendto(/run/n) failed: errno 13 (Permission denied)); later 'access denied'"
                + " failures are not logged, and the node keeps running",
            "systemd notify: WATCHDOG=1 not sent to NOTIFY_SOCKET=/run/n: send failed"
                + " (sendto(/run/n) failed: errno 105 (No buffer space)); later 'send failed'"
                + " failures are not logged, and the node keeps running",
            "systemd notify: WATCHDOG=1 not sent to NOTIFY_SOCKET=/run/n: no native layer"
                + " (the native layer needs Linux); later 'no native layer' failures are not"
                + " logged, and the node keeps running");
  }

  @Test
  void anUnusableEnvironmentIsLoggedAtCreationAndSendsNothing() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "vsock:2:99"));
    systemd.ready();
    assertThat(systemd.enabled()).isFalse();
    assertThat(sent).isEmpty();
    assertThat(warnings).singleElement().asString().startsWith("NOTIFY_SOCKET=vsock:2:99 is");
  }

  @Test
  void theProcessEnvironmentHereHasNoNotifySocketSoTheNotifierIsTheDisabledOne() {
    // surefire's JVM is not a systemd service: fromEnvironment() must be the silent notifier
    assertThat(System.getenv("NOTIFY_SOCKET")).isNull();
    assertThat(SystemdNotifier.fromEnvironment()).isSameAs(SystemdNotifier.disabled());
    assertThat(SystemdNotifier.disabled().enabled()).isFalse();
  }

  private Lifecycle supervised(SystemdNotifier systemd, VirtualScheduler time) {
    Lifecycle node =
        new Lifecycle() {
          @Override
          public void start() {
            lifecycle.add("node started");
          }

          @Override
          public void stop() {
            lifecycle.add("node stopped");
          }
        };
    return new SystemdSupervision<>(node, systemd, () -> time, t -> {});
  }
}
