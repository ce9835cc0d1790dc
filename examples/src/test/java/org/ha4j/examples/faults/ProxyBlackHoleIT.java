package org.ha4j.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backend that vanishes without a word: nftables drops everything sent to it, in its own
 * namespace. The proxy ({@code ./ha4j proxy} as its own process in another namespace) must give up
 * on it by its timeouts, serve the clients through the other backend, and afterwards hold no more
 * descriptors or threads than before and idle.
 *
 * <pre>
 *   client 10.200.0.2 --- proxy 10.200.0.11:8080 (both apps) and :8081 (app2 only, idle timeout 2 s)
 *                           |-- app1 10.200.0.21:9000 (echo)
 *                           '-- app2 10.200.0.22:9000 (echo; black-holed by nftables during the fault)
 * </pre>
 */
class ProxyBlackHoleIT {

  private static final Duration START = Duration.ofSeconds(30);
  private static NetnsLan lan;
  private static NetnsHost proxyHost;
  private static NetnsHost app1;
  private static NetnsHost app2;
  private static NetnsHost client;
  private static final List<NetnsProcess> started = new ArrayList<>();

  @BeforeAll
  static void lan() throws IOException {
    Privileges.assumeRoot("network namespaces and nftables");
    lan = NetnsLan.create();
    proxyHost = lan.addHost("proxy", 11);
    app1 = lan.addHost("app1", 21);
    app2 = lan.addHost("app2", 22);
    client = lan.addHost("client", 2);
    for (NetnsHost app : List.of(app1, app2)) {
      start(app, NetnsHost.javaCommand(EchoPeers.class.getName(), "server", "9000"), "listening");
    }
  }

  @AfterAll
  static void down() throws IOException {
    for (NetnsProcess process : started) {
      if (process.isAlive()) {
        process.crash();
        process.awaitExit(Duration.ofSeconds(10));
      }
    }
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void aBlackHoledBackendIsGivenUpByTimeoutsAndLeavesNothingBehind() throws IOException {
    NetnsProcess both =
        start(
            proxyHost,
            ha4j(
                "proxy",
                "--listen",
                "10.200.0.11:8080",
                "--upstream",
                "10.200.0.21:9000",
                "--upstream",
                "10.200.0.22:9000 max_fails=1 fail_timeout=30s",
                "--connect-timeout",
                "1s",
                "--relay",
                "splice"),
            "listening on");
    Path accessLog = proxyHost.file("app2-only-access.log");
    NetnsProcess app2Only =
        start(
            proxyHost,
            ha4j(
                "proxy",
                "--listen",
                "10.200.0.11:8081",
                "--upstream",
                "10.200.0.22:9000",
                "--connect-timeout",
                "1s",
                "--idle-timeout",
                "2s",
                "--access-log",
                accessLog.toString(),
                "--log-format",
                "$status $upstream_addr $bytes_received"),
            "listening on");

    // warm both paths (accept, connect, relay) so the baseline is a warm JVM's
    for (int i = 0; i < 4; i++) {
      converseBriefly(8080);
      converseBriefly(8081);
    }
    ProcessResources bothBefore = ProcessResources.of(both.pid());
    ProcessResources app2OnlyBefore = ProcessResources.of(app2Only.pid());

    // mid-stream: a conversation through :8081 is flowing when app2 vanishes
    NetnsProcess talk =
        start(
            client,
            NetnsHost.javaCommand(EchoPeers.class.getName(), "client", "10.200.0.11", "8081"),
            "ECHO 3");
    app2.injectLoss(100, "");
    try {
      String ended =
          talk.awaitOutput(
              out -> out.contains("ENDED"), Duration.ofSeconds(15), "the conversation to end");
      // the proxy's idle timeout (2 s) ends it, or the client's own 5 s without an echo: never a
      // hang
      assertThat(ended).contains("ENDED");
      // and the session ended with a logged status (nginx logs an idle proxy_timeout as 200)
      List<String> lines = awaitLines(accessLog, 5, Duration.ofSeconds(10));
      assertThat(lines.get(lines.size() - 1)).startsWith("200 10.200.0.22:9000 ");

      // connects: the first to app2 times out and moves on to app1; every client is served by app1
      for (int i = 0; i < 6; i++) {
        assertThat(converseBriefly(8080)).as("client %d through :8080", i).contains("ECHO 3");
      }
    } finally {
      app2.clearLoss();
    }

    assertBackToBaseline(both, bothBefore);
    assertBackToBaseline(app2Only, app2OnlyBefore);
    assertThat(both.output())
        .as("the black-holed connect is one named line")
        .contains("upstream connect failed");
  }

  /**
   * Descriptors and threads back to what the warm proxy held, an idle CPU, no stack trace, still
   * running.
   */
  private static void assertBackToBaseline(NetnsProcess proxy, ProcessResources before) {
    ProcessResources.awaitFdsBackTo(before, 2, Duration.ofSeconds(15));
    ProcessResources.awaitSettled(
        proxy.pid(),
        now -> now.threads() <= before.threads() + 2,
        Duration.ofSeconds(10),
        "threads back to " + before.threads());
    assertThat(ProcessResources.cpuShareOver(proxy.pid(), Duration.ofSeconds(1)))
        .as("idle CPU of %s after the fault", proxy)
        .isLessThan(0.1);
    assertThat(proxy.output()).as("no stack trace for an expected fault").doesNotContain("\tat ");
    assertThat(proxy.isAlive()).isTrue();
  }

  /**
   * A client that talks through the proxy until three echoes came back, then leaves; its output.
   */
  private static String converseBriefly(int port) throws IOException {
    NetnsProcess talk =
        client.start(
            NetnsHost.javaCommand(
                EchoPeers.class.getName(), "client", "10.200.0.11", Integer.toString(port)));
    try {
      return talk.awaitOutput(
          out -> out.contains("ECHO 3") || out.contains("ENDED"),
          START,
          "three echoes through :" + port);
    } finally {
      talk.crash();
      talk.awaitExit(Duration.ofSeconds(10));
    }
  }

  /** The access log once it has {@code count} lines (it is written off the event loop). */
  private static List<String> awaitLines(Path log, int count, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      if (lines.size() >= count) {
        return lines;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "access log "
                + log
                + " has "
                + lines.size()
                + " lines after "
                + timeout
                + ", expected "
                + count
                + ": "
                + lines);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private static List<String> ha4j(String... args) {
    return NetnsHost.javaCommand("org.ha4j.examples.cli.Ha4jCommandLine", args);
  }

  private static NetnsProcess start(NetnsHost host, List<String> command, String ready)
      throws IOException {
    NetnsProcess process = host.start(command);
    started.add(process);
    process.awaitOutput(out -> out.contains(ready), START, ready);
    return process;
  }
}
