package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ha4j.core.testing.FakeNotifySocket;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.examples.status.StatusTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ha4j proxy} run as its own process on loopback, as an operator meets it: systemd's notify
 * socket hears READY=1 once the listener accepts and STOPPING=1 on TERM; {@code --status-listen}
 * serves {@code /metrics} and {@code /status}, which {@code ./ha4j status} prints; USR1 after a
 * logrotate-style rename sends later lines to a new file and loses none, and writes the state; USR2
 * writes the stats; descriptors and threads come back to where they were.
 */
class ProxyOperationsIT {

  private static final Pattern STATUS_PORT =
      Pattern.compile("STATUS-PORT http://127\\.0\\.0\\.1:(\\d+)/ serves /metrics and /status");

  @TempDir Path dir;
  private LoopbackEchoServer echo;
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void backend() throws IOException {
    echo = new LoopbackEchoServer();
  }

  @AfterEach
  void cleanUp() throws IOException {
    for (Process p : started) {
      p.destroyForcibly();
    }
    echo.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** {@code ha4j proxy} with the launcher's environment plus {@code extraEnvironment}. */
  private Process start(Path output, List<String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("proxy"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(
            NetnsHost.javaCommand(
                "org.ha4j.examples.cli.Ha4jCommandLine", command.toArray(String[]::new)));
    builder.environment().put(ProcessSignals.SUSPEND_SIGNAL_VARIABLE, "40");
    for (String variable : environment) {
      String[] kv = variable.split("=", 2);
      builder.environment().put(kv[0], kv[1]);
    }
    Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    started.add(process);
    return process;
  }

  private static String awaitOutput(
      Process process, Path output, Predicate<String> done, String what) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (done.test(text)) {
        return text;
      }
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no " + what + " (alive: " + process.isAlive() + "); output:\n" + text);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // polling another process's output
    }
  }

  private static void signal(Process process, String name) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static String session(int port, String text) throws IOException {
    return LoopbackEchoServer.exchange(port, text);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long lines(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  /** The process's descriptors open on access log files (stdout is a file there too). */
  private List<Path> openInDir(Process process) throws IOException {
    List<Path> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir.toRealPath())
              && target.getFileName().toString().startsWith("access.log")) {
            open.add(target);
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor that closed while listed
        }
      }
    }
    return open;
  }

  @Test
  void systemdHearsReadyOnceTheListenerAcceptsAndStoppingOnTermAndTheStatusPortServes()
      throws Exception {
    int port = freePort();
    Path output = dir.resolve("proxy.out");
    try (FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      Process proxy =
          start(
              output,
              List.of("NOTIFY_SOCKET=" + systemd.name()),
              "--listen",
              "127.0.0.1:" + port,
              "--upstream",
              echo.hostPort(),
              "--status-listen",
              "0",
              "--state-file",
              dir.resolve("ha4j.data").toString(),
              "--stats-file",
              dir.resolve("ha4j.stats").toString());
      assertThat(systemd.next(Duration.ofSeconds(30))).isEqualTo("READY=1");
      assertThat(session(port, "ready"))
          .as("READY=1 means the listener accepts")
          .isEqualTo("ready");
      Matcher m =
          STATUS_PORT.matcher(awaitOutput(proxy, output, STATUS_PORT.asPredicate(), "port"));
      assertThat(m.find()).isTrue();
      int statusPort = Integer.parseInt(m.group(1));
      for (int i = 0; i < 4; i++) {
        assertThat(session(port, "ping")).isEqualTo("ping");
      }

      HttpResponse<String> metrics = get(statusPort, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("ha4j_proxy_connections_total{listener=\"127.0.0.1:" + port + "\"} 5.0")
          .contains(
              "ha4j_backend_sessions_total{server=\""
                  + echo.hostPort()
                  + "\",upstream=\"upstream\"} 5.0")
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads ")
          .contains("jvm_gc_");
      HttpResponse<String> state = get(statusPort, "/status");
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).contains("\"accepted\":5").contains("\"running\":true");
      assertThat(StatusTable.render(state.body())).contains("proxy: running, 0 active session(s)");

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int exit =
          Ha4jCommandLine.run(
              List.of("status", Integer.toString(statusPort)),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              System.err);
      assertThat(exit).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .containsPattern("127\\.0\\.0\\.1:" + port + " +5 +0 +5 ")
          .contains("upstream upstream");

      signal(proxy, "TERM");
      assertThat(systemd.next()).isEqualTo("STOPPING=1");
      assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.exitValue()).isZero();
      assertThat(systemd.poll(200)).as("nothing after STOPPING=1").isNull();
      assertThat(
              Ha4jCommandLine.run(
                  List.of("status", Integer.toString(statusPort)),
                  System.out,
                  new PrintStream(OutputStream.nullOutputStream())))
          .as("the status port closed with the process")
          .isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    }
  }

  @Test
  void usr1ReopensTheRotatedAccessLogAndWritesTheStateUsr2WritesTheStats() throws Exception {
    int port = freePort();
    Path output = dir.resolve("proxy.out");
    Path accessLog = dir.resolve("access.log");
    Path stateFile = dir.resolve("ha4j.data");
    Path statsFile = dir.resolve("ha4j.stats");
    Process proxy =
        start(
            output,
            List.of(),
            "--listen",
            "127.0.0.1:" + port,
            "--upstream",
            echo.hostPort(),
            "--access-log",
            accessLog.toString(),
            "--state-file",
            stateFile.toString(),
            "--stats-file",
            statsFile.toString());
    awaitOutput(proxy, output, out -> out.contains("listening on 127.0.0.1:" + port), "listening");
    for (int i = 0; i < 10; i++) {
      assertThat(session(port, "before")).isEqualTo("before");
    }
    awaitLines(accessLog, 10);
    ProcessResources before = ProcessResources.of(proxy.pid());

    Path rotated = dir.resolve("access.log.1");
    Files.move(accessLog, rotated);
    signal(proxy, "USR1");
    awaitOutput(
        proxy,
        output,
        out ->
            out.contains(
                "received SIGUSR1: reopening logs, dumping state: 1 access log(s) reopened; state"
                    + " written to "
                    + stateFile),
        "USR1's outcome");
    String state = Files.readString(stateFile);
    assertThat(StatusTable.render(state)).contains("proxy: running, 0 active session(s)");
    assertThat(state).contains("\"accepted\":10");
    for (int i = 0; i < 5; i++) {
      assertThat(session(port, "after")).isEqualTo("after");
    }
    awaitLines(accessLog, 5);
    assertThat(lines(rotated))
        .as("the rotated file keeps its lines, and gets no more")
        .isEqualTo(10);
    assertThat(openInDir(proxy))
        .as("only the new log is open")
        .containsExactly(accessLog.toRealPath());

    signal(proxy, "USR2");
    awaitOutput(
        proxy,
        output,
        out -> out.contains("received SIGUSR2: dumping stats: stats written to " + statsFile),
        "USR2's outcome");
    assertThat(Files.readString(statsFile))
        .contains("ha4j_proxy_connections_total{listener=\"127.0.0.1:" + port + "\"} 15.0")
        .contains("jvm_memory_used_bytes{");

    // twenty more of each: every dump replaces its file whole, nothing piles up
    for (int i = 2; i <= 21; i++) {
      int handled = i;
      for (String name : List.of("USR1", "USR2")) {
        signal(proxy, name);
        awaitOutput(
            proxy,
            output,
            out -> count(out, "received SIG" + name + ": ") == handled,
            name + " number " + handled);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactly("access.log", "access.log.1", "ha4j.data", "ha4j.stats", "proxy.out");
    }
    assertThat(openInDir(proxy)).containsExactly(accessLog.toRealPath());
    ProcessResources.awaitSettled(
        proxy.pid(),
        now -> now.openFds() <= before.openFds() + 2 && now.threads() <= before.threads() + 2,
        Duration.ofSeconds(10),
        "fds and threads back to " + before);
    assertThat(session(port, "still serving")).isEqualTo("still serving");

    signal(proxy, "TERM");
    assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(proxy.exitValue()).isZero();
    assertThat(lines(accessLog) + lines(rotated))
        .as("one line per session, none lost")
        .isEqualTo(16);
  }

  private static void awaitLines(Path file, long expected) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(file) || lines(file) < expected) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            file + " has " + (Files.exists(file) ? lines(file) : 0) + " lines, not " + expected);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the log is written on its thread
    }
    assertThat(lines(file)).isEqualTo(expected);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }
}
