package org.ha4j.examples.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.examples.vrrp.VrrpTestbed;

/**
 * One {@code ha4j node} process in a host namespace, with a pid file, and what the fault suite
 * reads from it: its {@code STATE} lines since a mark in its output, whether its host holds the
 * VIP, a graceful stop that must leave neither VIP nor pid file behind.
 */
final class FaultNode {

  static final String VIP = "10.200.0.100";
  private static final Pattern STATE_LINE =
      Pattern.compile("(?m)^STATE (\\w+) -> (\\w+) \\((.*)\\) t=(\\d+)$");

  final NetnsHost host;
  final NetnsProcess process;
  final Path pidfile;
  final int priority;

  private FaultNode(NetnsHost host, NetnsProcess process, Path pidfile, int priority) {
    this.host = host;
    this.process = process;
    this.pidfile = pidfile;
    this.priority = priority;
  }

  /**
   * Starts {@code ha4j node} with the reference deployment's VRRP settings (VRID 51, advert_int 1,
   * PASS 1111, the VIP) and {@code priority}; {@code environment} ({@code NAME=value}) is set for
   * the JVM only, through {@code env}, which execs it so the PID stays the node's.
   */
  static FaultNode start(NetnsHost host, int priority, List<String> environment)
      throws IOException {
    Path pidfile = host.file("node.pid");
    Files.deleteIfExists(pidfile);
    List<String> command = new ArrayList<>();
    if (!environment.isEmpty()) {
      command.add("env");
      command.addAll(environment);
    }
    command.addAll(
        NetnsHost.javaCommand(
            "org.ha4j.examples.cli.Ha4jCommandLine",
            VrrpTestbed.referenceFlags(priority, "--pidfile", pidfile.toString())
                .toArray(String[]::new)));
    NetnsProcess process = host.start(command);
    process.awaitOutput(out -> out.contains("STARTED"), Duration.ofSeconds(30), "node start");
    return new FaultNode(host, process, pidfile, priority);
  }

  long pid() {
    return process.pid();
  }

  /** A position in the output; {@link #since} reads what came after it. */
  int mark() {
    return process.output().length();
  }

  String since(int mark) {
    return process.output().substring(mark);
  }

  /** The state transitions printed after {@code mark}. */
  List<Transition> transitionsSince(int mark) {
    List<Transition> transitions = new ArrayList<>();
    Matcher m = STATE_LINE.matcher(since(mark));
    while (m.find()) {
      transitions.add(
          new Transition(m.group(1), m.group(2), m.group(3), Long.parseLong(m.group(4))));
    }
    return transitions;
  }

  /** Waits until a transition into {@code state} is printed after {@code mark}; returns it. */
  Transition awaitEntering(String state, int mark, Duration timeout) {
    process.awaitOutput(
        out -> out.length() > mark && out.substring(mark).contains("-> " + state + " "),
        timeout,
        "-> " + state + " after offset " + mark);
    return transitionsSince(mark).stream()
        .filter(t -> t.to().equals(state))
        .findFirst()
        .orElseThrow();
  }

  boolean holdsVip() throws IOException {
    return host.hasAddress(Ipv4Address.parse(VIP));
  }

  /**
   * SIGTERM, then: the process exits, its host holds no VIP, the pid file is gone. Returns the
   * shutdown transition (a MASTER resigns with priority 0 on its way out).
   */
  Transition stopGracefully() throws IOException {
    int mark = mark();
    process.signal("TERM");
    process.awaitExit(Duration.ofSeconds(15));
    if (holdsVip()) {
      throw new AssertionError(this + " exited but " + host + " still holds the VIP " + VIP);
    }
    if (Files.exists(pidfile)) {
      throw new AssertionError(this + " exited but left its pid file " + pidfile);
    }
    if (!process.output().contains("STOPPED")) {
      throw new AssertionError(this + " exited without STOPPED:\n" + process.output());
    }
    return transitionsSince(mark).stream()
        .filter(t -> t.to().equals("INITIALIZE"))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError(this + " printed no shutdown transition:\n" + since(mark)));
  }

  @Override
  public String toString() {
    return host.name() + " node (pid " + pid() + ", priority " + priority + ")";
  }

  /**
   * One {@code STATE from -> to (reason) t=µs} line; {@code t} is the node's wall clock in epoch
   * µs.
   */
  record Transition(String from, String to, String reason, long wallMicros) {}
}
