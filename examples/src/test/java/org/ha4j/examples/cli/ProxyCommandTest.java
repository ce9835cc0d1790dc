package org.ha4j.examples.cli;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ProxyCommandTest {

  /** A backend answering each connection with its name. */
  static ServerSocket named(String name) throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return server;
  }

  static String fetch(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void runsUntilStoppedRoundRobinByDefaultAndWritesTheAccessLog(@TempDir Path dir)
      throws Exception {
    try (ServerSocket a = named("A");
        ServerSocket b = named("B")) {
      Path log = dir.resolve("access.log");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ProcessSignals stop = ProcessSignals.manual(line -> {});
      ProxyCommand command = new ProxyCommand(signalLog -> stop);
      PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Ha4jCommandLine.commandLine(printer, printer, List.of(command))
                      .execute(
                          "proxy",
                          "--listen",
                          "127.0.0.1:0",
                          "--upstream",
                          "127.0.0.1:" + a.getLocalPort() + " weight=1",
                          "--upstream",
                          "127.0.0.1:" + b.getLocalPort(),
                          "--access-log",
                          log.toString());
                } catch (RuntimeException e) {
                  throw e;
                }
              });
      Pattern listening =
          Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) -> 2 server\\(s\\), round_robin");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> listening.matcher(out.toString(StandardCharsets.UTF_8)).find());
      Matcher m = listening.matcher(out.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).isTrue();
      int port = Integer.parseInt(m.group(1));
      assertThat(List.of(fetch(port), fetch(port), fetch(port))).containsExactly("A", "B", "A");
      stop.requestStop("test");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("ha4j proxy: stopped");
      List<String> lines = Files.readAllLines(log);
      // a line is written when its session ends, so the order of lines is the order sessions ended
      assertThat(lines).hasSize(3).allMatch(line -> line.endsWith("] 200 0"));
      assertThat(lines)
          .filteredOn(line -> line.startsWith("127.0.0.1 127.0.0.1:" + a.getLocalPort() + " - ["))
          .hasSize(2);
      assertThat(lines)
          .filteredOn(line -> line.startsWith("127.0.0.1 127.0.0.1:" + b.getLocalPort() + " - ["))
          .hasSize(1);
    }
  }

  @Test
  void aBarePortListensOnTheIpv4WildcardAsNginxListenDoes() throws Exception {
    try (ServerSocket a = named("A")) {
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
      ProcessSignals stop = ProcessSignals.manual(line -> {});
      ProxyCommand command = new ProxyCommand(signalLog -> stop);
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () ->
                  Ha4jCommandLine.commandLine(printer, printer, List.of(command))
                      .execute(
                          "proxy",
                          "--listen",
                          String.valueOf(port),
                          "--upstream",
                          "127.0.0.1:" + a.getLocalPort(),
                          "--connect-timeout",
                          "500ms",
                          "--idle-timeout",
                          "1m"));
      String banner = "listening on 0.0.0.0:" + port + " -> 1 server(s)";
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> out.toString(StandardCharsets.UTF_8).contains(banner) || exit.isDone());
      assertThat(out.toString(StandardCharsets.UTF_8)).contains(banner);
      assertThat(fetch(port)).isEqualTo("A");
      stop.requestStop("test");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      // the listener is gone with the proxy: the port can be bound again
      try (ServerSocket again = new ServerSocket(port)) {
        assertThat(again.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void badFlagsAreUsageErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream printer = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(Ha4jCommandLine.run(List.of("proxy", "--listen", "127.0.0.1:0"), printer, printer))
        .isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(
            Ha4jCommandLine.run(
                List.of(
                    "proxy",
                    "--listen",
                    "127.0.0.1:0",
                    "--upstream",
                    "127.0.0.1:1",
                    "--balance",
                    "fair"),
                printer,
                printer))
        .isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(
            Ha4jCommandLine.run(
                List.of(
                    "proxy",
                    "--listen",
                    "127.0.0.1:0",
                    "--upstream",
                    "127.0.0.1:1 backup",
                    "--upstream",
                    "127.0.0.1:2",
                    "--balance",
                    "hash $remote_addr consistent"),
                printer,
                printer))
        .isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(
            Ha4jCommandLine.run(
                List.of(
                    "proxy",
                    "--listen",
                    "127.0.0.1:0",
                    "--upstream",
                    "127.0.0.1:1",
                    "--relay",
                    "zero"),
                printer,
                printer))
        .isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("--upstream is required")
        .contains("unknown balancing method 'fair'")
        .contains("backup")
        .contains("--relay must be splice, copy or auto");
  }

  @Test
  void aStatusPortThatCannotBeBoundFailsTheStartAndReleasesTheListener() throws Exception {
    try (ServerSocket a = named("A");
        ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      ProxyCommand command = new ProxyCommand(signalLog -> ProcessSignals.manual(line -> {}));
      int exit =
          Ha4jCommandLine.commandLine(
                  new PrintStream(out, true, StandardCharsets.UTF_8),
                  new PrintStream(err, true, StandardCharsets.UTF_8),
                  List.of(command))
              .execute(
                  "proxy",
                  "--listen",
                  "127.0.0.1:" + port,
                  "--upstream",
                  "127.0.0.1:" + a.getLocalPort(),
                  "--status-listen",
                  Integer.toString(busy.getLocalPort()));
      assertThat(exit).isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("--status-listen 127.0.0.1:" + busy.getLocalPort() + ": cannot listen: ");
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("listening on");
      // the proxy that had started is stopped again: its port can be bound
      try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.isBound()).isTrue();
      }
    }
  }
}
