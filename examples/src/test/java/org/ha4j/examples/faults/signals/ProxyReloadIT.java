package org.ha4j.examples.faults.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ha4j.core.linux.LinuxClock;
import org.ha4j.core.testing.FakeNotifySocket;
import org.ha4j.core.testing.NamedEchoServer;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP to {@code ha4j proxy --nginx FILE} as its own process on loopback, under a fake systemd
 * notify socket: a changed file is applied in place ({@code RELOADED}, the new backend and listener
 * serve, the established session runs on), a broken one changes nothing (every error with file:line
 * on stderr, {@code RELOAD FAILED}), and each reload is bracketed by {@code RELOADING=1} with
 * {@code MONOTONIC_USEC} and {@code READY=1}. TERM then still exits 0.
 */
class ProxyReloadIT {

  @TempDir Path dir;
  private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
  private Process process;
  private Path log;
  private Path file;
  private int port;
  private int extraPort;
  private NamedEchoServer a;
  private NamedEchoServer b;

  @BeforeEach
  void backends() throws IOException {
    a = new NamedEchoServer("a");
    b = new NamedEchoServer("b");
    port = freePort();
    extraPort = freePort();
    file = dir.resolve("nginx.conf");
    log = dir.resolve("proxy.log");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
      closeAtEnd.get(i).close();
    }
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    a.close();
    b.close();
  }

  private String config(NamedEchoServer backend, boolean extraListener) {
    return "events {}\nstream {\n"
        + "    upstream app {\n        server 127.0.0.1:"
        + backend.port()
        + ";\n    }\n"
        + "    server {\n        listen 127.0.0.1:"
        + port
        + ";\n        proxy_pass app;\n    }\n"
        + (extraListener
            ? "    server {\n        listen 127.0.0.1:"
                + extraPort
                + ";\n        proxy_pass app;\n    }\n"
            : "")
        + "}\n";
  }

  @Test
  void hupAppliesAChangedFileRefusesABrokenOneAndSystemdHearsReloadingThenReady() throws Exception {
    FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString());
    closeAtEnd.add(systemd);
    Files.writeString(file, config(a, false));
    ProcessBuilder builder =
        new ProcessBuilder(
                NetnsHost.javaCommand(
                    "org.ha4j.examples.cli.Ha4jCommandLine", "proxy", "--nginx", file.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    String[] variable = SignalLan.SUSPEND_SIGNAL_AS_LAUNCHED.split("=", 2);
    builder.environment().put(variable[0], variable[1]);
    builder.environment().put("NOTIFY_SOCKET", systemd.name());
    process = builder.start();
    awaitOutput(out -> out.contains("PROXY listening on 127.0.0.1:" + port), "listening");
    assertThat(systemd.next(Duration.ofSeconds(30))).isEqualTo("READY=1");
    NamedEchoServer.Client open = session(port);
    assertThat(open.exchange("1")).isEqualTo("a:1");
    ProcessResources before = ProcessResources.of(process.pid());

    Files.writeString(file, config(b, true));
    long sent = LinuxClock.monotonicMicros();
    signal("HUP");
    awaitOutput(out -> out.contains("RELOAD"), "RELOADED or RELOAD FAILED");
    assertReloadingThenReady(systemd, sent, "READY=1\nSTATUS=");
    // the signal's own log line follows READY=1, so it is awaited rather than expected at once
    awaitOutput(out -> out.contains("received SIGHUP: reloading: done"), "the SIGHUP log line");
    assertThat(output())
        .contains("RELOADED listener 127.0.0.1:" + extraPort + " added; upstream app changed");
    assertThat(open.exchange("2")).as("the established session runs on").isEqualTo("a:2");
    assertThat(session(port).exchange("3")).isEqualTo("b:3");
    assertThat(session(extraPort).exchange("4")).isEqualTo("b:4");

    Files.writeString(
        file,
        config(a, false)
            .replace("proxy_pass app;", "proxy_pass app;\n        proxy_timeout forever;"));
    sent = LinuxClock.monotonicMicros();
    signal("HUP");
    awaitOutput(out -> out.contains("RELOAD FAILED"), "RELOAD FAILED");
    assertReloadingThenReady(systemd, sent, "READY=1\nSTATUS=reload failed");
    awaitOutput(
        out -> out.contains("received SIGHUP: reloading: failed: kept the running configuration"),
        "the SIGHUP log line");
    assertThat(output())
        .contains(file + ":9: error: 'proxy_timeout'")
        .contains("RELOAD FAILED: kept the running configuration")
        .contains("received SIGHUP: reloading: failed: kept the running configuration");
    assertThat(process.isAlive()).isTrue();
    assertThat(session(port).exchange("5")).as("still the b config").isEqualTo("b:5");
    assertThat(session(extraPort).exchange("6")).isEqualTo("b:6");
    assertThat(open.exchange("7")).isEqualTo("a:7");

    for (int i = closeAtEnd.size() - 1; i >= 1; i--) {
      closeAtEnd.remove(i).close();
    }
    ProcessResources.awaitSettled(
        process.pid(),
        now -> now.openFds() <= before.openFds() + 2 && now.threads() <= before.threads() + 2,
        Duration.ofSeconds(10),
        "fds and threads back to " + before);
    signal("TERM");
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(systemd.nextBesidesWatchdog()).isEqualTo("STOPPING=1");
  }

  private static void assertReloadingThenReady(FakeNotifySocket systemd, long sent, String ready)
      throws Exception {
    String reloading = systemd.nextBesidesWatchdog();
    assertThat(reloading).startsWith("RELOADING=1\nMONOTONIC_USEC=");
    long micros = Long.parseLong(reloading.substring(reloading.lastIndexOf('=') + 1));
    assertThat(micros)
        .as("CLOCK_MONOTONIC when the reload began")
        .isBetween(sent, sent + 30_000_000);
    assertThat(systemd.nextBesidesWatchdog()).startsWith(ready);
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    assertThat(kill.waitFor()).isZero();
  }

  private String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private void awaitOutput(Predicate<String> condition, String what) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.test(output())) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no " + what + " (alive: " + process.isAlive() + "); output:\n" + output());
      }
      // polling another process's log file
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private NamedEchoServer.Client session(int port) throws IOException {
    NamedEchoServer.Client client = new NamedEchoServer.Client(port);
    closeAtEnd.add(client);
    return client;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
