package org.ha4j.examples.faults.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every signal to {@code ha4j proxy} running as its own process on loopback: HUP, USR1, USR2 and
 * QUIT leave it serving (USR1 and USR2 write their dumps, ProxyOperationsIT looks at them); TERM
 * drains 200 open sessions (every byte through, then exit 0); INT exits 0; after a KILL a new proxy
 * binds the same port and serves.
 */
class ProxySignalsIT {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;
  private ServerSocket echo;
  private final List<Process> started = new ArrayList<>();
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void echoBackend() throws IOException {
    echo = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread t = new Thread(() -> echoLines(s), "echo-" + s.getPort());
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void echoLines(Socket s) {
    try (s;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @AfterEach
  void cleanUp() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    for (Process p : started) {
      p.destroyForcibly();
    }
    echo.close();
  }

  /** A process started with the environment the {@code ha4j} launcher gives the JVM. */
  private static ProcessBuilder asLaunched(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    String[] variable = SignalLan.SUSPEND_SIGNAL_AS_LAUNCHED.split("=", 2);
    builder.environment().put(variable[0], variable[1]);
    return builder;
  }

  /** A proxy in front of the echo backend; returns it once it printed its port. */
  private Proxied startProxy(int port, String logName) throws IOException {
    Path log = dir.resolve(logName);
    Process process =
        asLaunched(
                NetnsHost.javaCommand(
                    "org.ha4j.examples.cli.Ha4jCommandLine",
                    "proxy",
                    "--listen",
                    "127.0.0.1:" + port,
                    "--upstream",
                    "127.0.0.1:" + echo.getLocalPort(),
                    "--state-file",
                    dir.resolve(logName + ".data").toString(),
                    "--stats-file",
                    dir.resolve(logName + ".stats").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    started.add(process);
    Proxied proxied = new Proxied(process, log);
    String out = proxied.awaitOutput(text -> LISTENING.matcher(text).find(), "listening");
    Matcher m = LISTENING.matcher(out);
    assertThat(m.find()).isTrue();
    proxied.port = Integer.parseInt(m.group(1));
    return proxied;
  }

  private Socket session(int port, String hello) throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    s.setSoTimeout(10_000);
    assertThat(exchange(s, hello)).isEqualTo(hello);
    return s;
  }

  private static String exchange(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    StringBuilder answer = new StringBuilder();
    int c;
    while ((c = s.getInputStream().read()) != '\n') {
      if (c < 0) {
        throw new IOException("session ended after '" + answer + "'");
      }
      answer.append((char) c);
    }
    return answer.toString();
  }

  @Test
  void ignoredSignalsKeepItServingAndTermDrains200SessionsThenExitsZero() throws Exception {
    Proxied proxy = startProxy(0, "proxy.log");
    try (Socket warmUp = session(proxy.port, "warm-up")) {
      assertThat(warmUp.isConnected()).isTrue();
    }
    ProcessResources before = ProcessResources.of(proxy.process.pid());
    for (String signal : List.of("HUP", "USR1", "USR2")) {
      proxy.signal(signal);
      proxy.awaitOutput(
          out -> out.contains("received SIG" + signal + ": "), "SIG" + signal + " logged");
      assertThat(exchangeOnce(proxy.port, signal)).isEqualTo(signal);
    }
    proxy.signal("QUIT");
    proxy.awaitOutput(out -> out.contains("Full thread dump"), "a thread dump");
    assertThat(exchangeOnce(proxy.port, "after QUIT")).isEqualTo("after QUIT");
    assertThat(proxy.process.isAlive()).isTrue();
    ProcessResources.awaitSettled(
        proxy.process.pid(),
        now -> now.openFds() <= before.openFds() + 2 && now.threads() <= before.threads() + 2,
        Duration.ofSeconds(10),
        "fds and threads back to " + before);

    List<Socket> sessions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sessions.add(session(proxy.port, "hello " + i));
    }
    proxy.signal("TERM");
    proxy.awaitOutput(
        out -> out.contains("received SIGTERM: stopping gracefully"), "SIGTERM logged");
    awaitRefused(proxy.port);
    for (int i = 0; i < sessions.size(); i++) {
      Socket s = sessions.get(i);
      assertThat(exchange(s, "bye " + i)).isEqualTo("bye " + i);
      s.close();
    }
    assertThat(proxy.process.waitFor(20, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
    assertThat(proxy.process.exitValue()).isZero();
    assertThat(proxy.output()).contains("ha4j proxy: stopped");
    assertThat(proxy.process.descendants().count()).isZero();
  }

  @Test
  void anNginxStreamBlockAloneServesAndTermExitsZero() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path nginx =
        Files.writeString(
            dir.resolve("nginx.conf"),
            "events {}\nstream {\n"
                + "    upstream echo { server 127.0.0.1:"
                + echo.getLocalPort()
                + "; }\n"
                + "    server {\n        listen 127.0.0.1:"
                + port
                + ";\n        proxy_pass echo;\n    }\n}\n");
    Path log = dir.resolve("nginx-proxy.log");
    Process process =
        asLaunched(
                NetnsHost.javaCommand(
                    "org.ha4j.examples.cli.Ha4jCommandLine", "proxy", "--nginx", nginx.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    started.add(process);
    Proxied proxy = new Proxied(process, log);
    proxy.awaitOutput(
        out -> out.contains("PROXY listening on 127.0.0.1:" + port), "PROXY listening");
    assertThat(exchangeOnce(port, "through nginx.conf")).isEqualTo("through nginx.conf");
    proxy.signal("TERM");
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(proxy.output())
        .contains("received SIGTERM: stopping gracefully")
        .contains("ha4j proxy: stopped");
    awaitRefused(port);
  }

  @Test
  void intExitsZeroAndAfterAKillANewProxyTakesTheSamePort() throws Exception {
    Proxied first = startProxy(0, "first.log");
    int port = first.port;
    first.signal("KILL");
    assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process.exitValue()).isEqualTo(128 + 9);

    Proxied second = startProxy(port, "second.log");
    assertThat(exchangeOnce(port, "after restart")).isEqualTo("after restart");
    second.signal("INT");
    assertThat(second.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isZero();
    assertThat(second.output())
        .contains("received SIGINT: stopping gracefully")
        .contains("ha4j proxy: stopped");
    awaitRefused(port);
  }

  private String exchangeOnce(int port, String line) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      return exchange(s, line);
    }
  }

  /** The listener closes when the stop begins: new connections are refused from then on. */
  private static void awaitRefused(int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (s.isConnected() && System.nanoTime() - deadline > 0) {
          throw new AssertionError("port " + port + " still accepts connections");
        }
      } catch (IOException refused) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static final class Proxied {
    final Process process;
    final Path log;
    int port;

    Proxied(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    void signal(String name) throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
    }

    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    String awaitOutput(Predicate<String> condition, String what) throws IOException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        String out = output();
        if (condition.test(out)) {
          return out;
        }
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "no " + what + " (alive: " + process.isAlive() + "); output:\n" + out);
        }
        // polling another process's log file
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }
  }
}
