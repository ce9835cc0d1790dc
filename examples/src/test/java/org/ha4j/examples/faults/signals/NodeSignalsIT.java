package org.ha4j.examples.faults.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.faults.signals.SignalLan.VIP;
import static org.ha4j.examples.faults.signals.SignalLan.awaitState;
import static org.ha4j.examples.faults.signals.SignalLan.count;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.examples.vrrp.VrrpTestbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every signal to {@code ha4j node} and {@code ha4j run} running as real processes in namespaces, a
 * MASTER (lb1, priority 100) with a BACKUP (lb2, 90) next to it: HUP (run: its unchanged files
 * reloaded; node: nothing to reload), USR1, USR2 and QUIT leave the master running and holding the
 * VIP once (USR1's state dump says MASTER with the VIP); TERM and INT end with exit 0, a priority-0
 * advertisement (the backup takes over after Skew_Time, well inside Master_Down_Interval), no VIP
 * and no pid file left; after a KILL and a restart exactly one node holds the VIP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeSignalsIT {

  /**
   * Master_Down_Interval for priority 90 and advert_int 1: 3 s + (256 - 90) / 256 s, rounded up.
   */
  private static final Duration MASTER_DOWN = Duration.ofMillis(3_650);

  /**
   * A takeover this soon after the signal can only come from the priority-0 advert (Skew_Time ~0.35
   * s).
   */
  private static final long RESIGN_BOUND_MICROS = 2_000_000;

  /** The two long-running commands that hold a VIP. */
  enum Kind {
    NODE {
      @Override
      List<String> args(
          SignalLan lan, NetnsHost host, int priority, boolean nopreempt, Path pidfile) {
        List<String> args = VrrpTestbed.referenceFlags(priority, "--pidfile", pidfile.toString());
        args.addAll(dumpFiles(pidfile));
        args.addAll(
            nopreempt ? List.of("--state", "BACKUP", "--nopreempt") : List.of("--state", "MASTER"));
        return args;
      }
    },
    RUN {
      @Override
      List<String> args(
          SignalLan lan, NetnsHost host, int priority, boolean nopreempt, Path pidfile)
          throws IOException {
        Path keepalived =
            host.file("keepalived-" + priority + (nopreempt ? "-nopreempt" : "") + ".conf");
        Files.writeString(
            keepalived,
            "vrrp_instance VI_1 {\n"
                + "    state "
                + (nopreempt ? "BACKUP\n    nopreempt" : "MASTER")
                + "\n"
                + "    interface eth0\n    virtual_router_id 51\n    priority "
                + priority
                + "\n"
                + "    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n"
                + "    virtual_ipaddress {\n        "
                + VIP
                + "/24\n    }\n}\n");
        Path nginx = host.file("nginx.conf");
        Files.writeString(
            nginx,
            "stream {\n    upstream app { server "
                + lan.app.address()
                + ":"
                + SignalLan.PORT
                + "; }\n    server {\n        listen "
                + SignalLan.PORT
                + ";\n        proxy_pass app;\n    }\n}\n");
        List<String> args =
            new ArrayList<>(
                List.of(
                    "run",
                    "--keepalived",
                    keepalived.toString(),
                    "--nginx",
                    nginx.toString(),
                    "--pidfile",
                    pidfile.toString(),
                    "--relay",
                    "copy"));
        args.addAll(dumpFiles(pidfile));
        return args;
      }
    };

    abstract List<String> args(
        SignalLan lan, NetnsHost host, int priority, boolean nopreempt, Path pidfile)
        throws IOException;

    /** Where USR1 and USR2 write, beside the pid file rather than in the machine's /tmp. */
    static List<String> dumpFiles(Path pidfile) {
      return List.of(
          "--state-file",
          stateFile(pidfile).toString(),
          "--stats-file",
          pidfile.resolveSibling(pidfile.getFileName() + ".stats").toString());
    }

    NetnsProcess start(SignalLan lan, NetnsHost host, int priority, boolean nopreempt, Path pidfile)
        throws IOException {
      NetnsProcess process =
          lan.start(host, "STARTED", args(lan, host, priority, nopreempt, pidfile));
      // the pid file is written once the node runs, just after its STARTED line
      process.awaitOutput(
          out -> pidIn(pidfile).equals(Long.toString(process.pid())),
          Duration.ofSeconds(10),
          "pid file " + pidfile);
      return process;
    }
  }

  static Path stateFile(Path pidfile) {
    return pidfile.resolveSibling(pidfile.getFileName() + ".data");
  }

  private static String pidIn(Path pidfile) {
    try {
      return Files.readString(pidfile).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private SignalLan lan;

  @BeforeAll
  void lan() throws IOException {
    Privileges.assumeRoot("network namespaces");
    lan = new SignalLan();
  }

  @AfterEach
  void reset() throws IOException {
    if (lan != null) {
      lan.reset();
    }
  }

  @AfterAll
  void close() {
    if (lan != null) {
      lan.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void everySignal(Kind kind) throws Exception {
    Path masterPid = lan.lb1.file(kind + "-master.pid");
    Path backupPid = lan.lb2.file(kind + "-backup.pid");
    NetnsProcess master = kind.start(lan, lan.lb1, 100, false, masterPid);
    awaitState(master, "MASTER", 1);
    NetnsProcess backup = kind.start(lan, lan.lb2, 90, false, backupPid);
    awaitState(backup, "BACKUP", 1);
    lan.awaitSoleHolder(lan.lb1, Duration.ofSeconds(5));

    ignoredSignalsLeaveTheMasterAlone(kind, master, backup, masterPid);

    int takeovers = 0;
    for (String signal : List.of("TERM", "INT")) {
      stopSignalHandsOverAndExitsZero(signal, master, backup, ++takeovers, masterPid);
      master = kind.start(lan, lan.lb1, 100, false, masterPid);
      awaitState(backup, "BACKUP", takeovers + 1); // preempted by the restarted master
      lan.awaitSoleHolder(lan.lb1, Duration.ofSeconds(5));
    }

    // KILL cannot be caught: the VIP stays on lb1 until a node there starts again.
    master.signal("KILL");
    assertThat(master.awaitExit(Duration.ofSeconds(10))).isEqualTo(128 + 9);
    awaitState(backup, "MASTER", ++takeovers);
    assertThat(SignalLan.transition(backup, "MASTER", takeovers).reason())
        .doesNotContain("priority 0");
    // Restarted without preemption it stays BACKUP, so the VIP it finds is a leftover it must
    // remove.
    master = kind.start(lan, lan.lb1, 100, true, masterPid);
    awaitState(master, "BACKUP", 1);
    lan.awaitSoleHolder(lan.lb2, Duration.ofSeconds(5));
    if (kind == Kind.RUN) {
      assertThat(lan.ask()).isEqualTo("OK app");
    }

    for (NetnsProcess node : List.of(master, backup)) {
      node.signal("TERM");
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(lan.vipHolders()).isEmpty();
    SignalLan.assertGone(master, masterPid);
    SignalLan.assertGone(backup, backupPid);
  }

  @org.junit.jupiter.api.Test
  void consoleStopOfRunRemovesThePidFileAndAPlantedSymlinkIsNeverFollowed() throws Exception {
    Path victim = lan.lb1.file("victim");
    Files.writeString(victim, "precious\n");
    Path pidfile = lan.lb1.file("console.pid");
    Files.deleteIfExists(pidfile);
    Files.createSymbolicLink(pidfile, victim);
    Path fifo = lan.lb1.file("console.fifo");
    Files.deleteIfExists(fifo);
    lan.lb1.run("mkfifo", fifo.toString());
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" < " + fifo, "sh"));
    command.addAll(
        NetnsHost.javaCommand(
            "org.ha4j.examples.cli.Ha4jCommandLine",
            Kind.RUN.args(lan, lan.lb1, 100, false, pidfile).toArray(String[]::new)));
    command.add("--console");
    // the console reads a FIFO the test writes to: sh opens it, then execs the JVM (same PID)
    NetnsProcess node = lan.startCommand(lan.lb1, command);
    try (java.io.OutputStream console = Files.newOutputStream(fifo)) {
      node.awaitOutput(out -> out.contains("CONSOLE ready"), SignalLan.START, "console ready");
      awaitState(node, "MASTER", 1);
      assertThat(Files.readString(victim)).isEqualTo("precious\n");
      assertThat(Files.isSymbolicLink(pidfile)).isFalse();
      assertThat(pidIn(pidfile)).isEqualTo(Long.toString(node.pid()));
      console.write("stop\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      console.flush();
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(node.output()).contains("CONSOLE closed: stopping").contains("STOPPED");
    assertThat(lan.vipHolders()).isEmpty();
    SignalLan.assertGone(node, pidfile);
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }

  private void ignoredSignalsLeaveTheMasterAlone(
      Kind kind, NetnsProcess master, NetnsProcess backup, Path pidfile) throws IOException {
    ProcessResources before = ProcessResources.of(master.pid());
    int transitions = count(master.output(), "STATE ");
    for (String signal : List.of("HUP", "USR1", "USR2")) {
      master.signal(signal);
      master.awaitOutput(
          out -> out.contains("received SIG" + signal + ": "),
          Duration.ofSeconds(10),
          "SIG" + signal + " logged");
    }
    master.signal("QUIT");
    master.awaitOutput(
        out -> out.contains("Full thread dump"), Duration.ofSeconds(10), "a thread dump");
    // Longer than Master_Down_Interval: had adverts stopped for any reason, the backup would take
    // over.
    backup.assertNeverOutputs("-> MASTER", MASTER_DOWN);
    assertThat(master.isAlive()).isTrue();
    assertThat(count(master.output(), "STATE ")).as("master's transitions").isEqualTo(transitions);
    assertThat(lan.vipHolders()).containsExactly("lb1");
    assertThat(master.output())
        .contains(
            kind == Kind.RUN
                // the files did not change: a reload with nothing to apply
                ? "RELOADED no change"
                : "received SIGHUP: nothing to reload: node takes its configuration from flags")
        .contains("received SIGUSR1: reopening logs, dumping state: ")
        .contains("received SIGUSR2: dumping stats: stats written to ");
    assertThat(Files.readString(stateFile(pidfile)))
        .as("USR1's state dump")
        .contains("\"state\":\"MASTER\"")
        .contains("\"virtualAddresses\":[\"" + VIP + "/24\"]");
    if (kind == Kind.RUN) {
      assertThat(lan.ask()).isEqualTo("OK app");
    }
    ProcessResources.awaitSettled(
        master.pid(),
        now -> now.openFds() <= before.openFds() + 2 && now.threads() <= before.threads() + 2,
        Duration.ofSeconds(10),
        "fds and threads back to " + before);
  }

  private void stopSignalHandsOverAndExitsZero(
      String signal, NetnsProcess master, NetnsProcess backup, int takeover, Path pidfile)
      throws IOException {
    long sent = SignalLan.epochMicros();
    master.signal(signal);
    assertThat(master.awaitExit(Duration.ofSeconds(30)))
        .as("exit status after SIG" + signal)
        .isZero();
    awaitState(backup, "MASTER", takeover);
    SignalLan.Transition took = SignalLan.transition(backup, "MASTER", takeover);
    assertThat(took.reason()).contains("priority 0");
    assertThat(took.epochMicros() - sent)
        .as("µs from SIG%s to the backup's takeover", signal)
        .isLessThan(RESIGN_BOUND_MICROS);
    lan.awaitSoleHolder(lan.lb2, Duration.ofSeconds(5));
    assertThat(master.output())
        .contains("received SIG" + signal + ": stopping gracefully")
        .contains("STOPPED");
    SignalLan.assertGone(master, pidfile);
  }
}
