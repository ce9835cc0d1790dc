package org.ha4j.examples.faults.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.core.testing.netns.TcpNameServer;
import org.ha4j.examples.vrrp.VrrpTestbed;

/**
 * One LAN shared by every signal case: lb1 (10.200.0.11) and lb2 (.12) run the nodes, app (.21)
 * answers on :8080 with its name behind {@code run}'s proxy, the client (.2) asks through the VIP.
 * Cases start their own nodes and leave the LAN as they found it ({@link #reset}).
 */
final class SignalLan implements AutoCloseable {

  static final String VIP = "10.200.0.100";

  /**
   * The environment the {@code ha4j} launcher gives the JVM: its thread suspend signal moved off
   * USR2, so that the command can catch USR2.
   */
  static final String SUSPEND_SIGNAL_AS_LAUNCHED = "_JAVA_SR_SIGNUM=40";

  static final int PORT = 8080;
  static final Duration START = Duration.ofSeconds(30);

  final NetnsLan lan;
  final NetnsHost lb1;
  final NetnsHost lb2;
  final NetnsHost app;
  final NetnsHost client;
  private final List<NetnsProcess> started = new ArrayList<>();

  SignalLan() throws IOException {
    lan = NetnsLan.create();
    try {
      lb1 = lan.addHost("lb1", 11);
      lb2 = lan.addHost("lb2", 12);
      app = lan.addHost("app", 21);
      client = lan.addHost("client", 2);
      NetnsProcess server =
          app.start(
              NetnsHost.javaCommand(TcpNameServer.class.getName(), Integer.toString(PORT), "app"));
      server.awaitOutput(out -> out.contains("listening"), START, "name server");
    } catch (IOException | RuntimeException | AssertionError e) {
      lan.close();
      throw e;
    }
  }

  /**
   * {@code ha4j ARGS} as its own JVM in {@code host}'s namespace, once it printed {@code ready}.
   */
  NetnsProcess start(NetnsHost host, String ready, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("env", SUSPEND_SIGNAL_AS_LAUNCHED));
    command.addAll(
        NetnsHost.javaCommand(
            "org.ha4j.examples.cli.Ha4jCommandLine", args.toArray(String[]::new)));
    NetnsProcess process = host.start(command);
    started.add(process);
    process.awaitOutput(out -> out.contains(ready), START, ready);
    return process;
  }

  /**
   * Any command in {@code host}'s namespace, stopped by {@link #reset} if the case leaves it
   * running.
   */
  NetnsProcess startCommand(NetnsHost host, List<String> command) throws IOException {
    NetnsProcess process = host.start(command);
    started.add(process);
    return process;
  }

  /**
   * Kills what a case left running (by PID) and removes VIPs it left, so the next case starts
   * clean.
   */
  void reset() throws IOException {
    for (NetnsProcess process : started) {
      if (process.isAlive()) {
        process.crash();
        process.awaitExit(Duration.ofSeconds(10));
      }
    }
    started.clear();
    for (NetnsHost host : List.of(lb1, lb2)) {
      if (host.addresses().contains(VIP + "/24")) {
        host.run("ip", "addr", "del", VIP + "/24", "dev", NetnsHost.INTERFACE);
      }
    }
  }

  /**
   * The hosts whose {@code eth0} holds the VIP, one entry per address found (a host twice = held
   * twice).
   */
  List<String> vipHolders() throws IOException {
    List<String> holders = new ArrayList<>();
    for (NetnsHost host : List.of(lb1, lb2)) {
      for (String address : host.addresses()) {
        if (address.startsWith(VIP + "/")) {
          holders.add(host.name());
        }
      }
    }
    return holders;
  }

  /** Waits until exactly {@code host} holds the VIP, once; fails with the holders seen last. */
  void awaitSoleHolder(NetnsHost host, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> holders = vipHolders();
    while (!holders.equals(List.of(host.name()))) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "VIP holders after " + timeout + ": " + holders + ", expected only " + host.name());
      }
      pause();
      holders = vipHolders();
    }
  }

  /** Who answers on VIP:8080 from the client now, e.g. "OK app". */
  String ask() throws IOException {
    return client.ask(VIP, PORT, 2000);
  }

  static void awaitState(NetnsProcess node, String state, int times) {
    VrrpTestbed.awaitState(node, state, times, Duration.ofSeconds(20));
  }

  static int count(String text, String needle) {
    return VrrpTestbed.count(text, needle);
  }

  private static final Pattern STATE_LINE =
      Pattern.compile("STATE (?:\\S+ )?(\\w+) -> (\\w+) \\((.*)\\) t=(\\d+)");

  /**
   * The {@code n}-th (1-based) transition into {@code state}: its reason and wall-clock time (epoch
   * µs).
   */
  static Transition transition(NetnsProcess node, String state, int n) {
    Matcher m = STATE_LINE.matcher(node.output());
    int seen = 0;
    while (m.find()) {
      if (m.group(2).equals(state) && ++seen == n) {
        return new Transition(m.group(3), Long.parseLong(m.group(4)));
      }
    }
    throw new AssertionError("no transition #" + n + " into " + state + " in:\n" + node.output());
  }

  record Transition(String reason, long epochMicros) {}

  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * Whether a process with this PID still exists (a zombie or a forked child left behind counts).
   */
  static boolean exists(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && handle.get().isAlive();
  }

  static void assertGone(NetnsProcess process, Path pidfile) {
    assertThat(exists(process.pid())).as("process %d left behind", process.pid()).isFalse();
    assertThat(pidfile).as("pid file").doesNotExist();
    assertThat(Files.exists(pidfile.getParent())).isTrue();
  }

  private static void pause() {
    // polling `ip addr` of another namespace: an external state, not a thread of ours
    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
  }

  @Override
  public void close() {
    lan.close();
  }
}
