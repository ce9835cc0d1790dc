package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ha4j node} as an operator meets it: privileges, pid file, SIGTERM, its metrics. */
class NodeCommandIT {

  private VrrpTestbed bed;

  @BeforeEach
  void testbed() throws Exception {
    Privileges.assumeRoot("network namespaces");
    Privileges.assumeCommand("setpriv");
    bed = new VrrpTestbed();
  }

  @AfterEach
  void teardown() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void withoutCapNetRawItExitsNonZeroNamingTheCapability() throws Exception {
    // Root, but with CAP_NET_RAW and CAP_NET_ADMIN gone from the bounding set: as in a container
    // started without --cap-add NET_RAW.
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set",
                "-net_raw,-net_admin",
                "--inh-caps",
                "-net_raw,-net_admin",
                "--"));
    command.addAll(
        NetnsHost.javaCommand(
            "org.ha4j.examples.cli.Ha4jCommandLine",
            VrrpTestbed.referenceFlags(100).toArray(String[]::new)));
    NetnsProcess node = bed.lb1.start(command);
    assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(node.output()).contains("ha4j node:").contains("CAP_NET_RAW");
    assertThat(bed.lb1.addresses()).containsExactly("10.200.0.11/24");
  }

  @Test
  void runsKeepalivedStyleNotifyScriptsInTransitionOrder() throws Exception {
    Path log = bed.lb1.file("notify.log");
    Path script = bed.lb1.file("notify.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + log + "\n");
    script.toFile().setExecutable(true);
    NetnsProcess node =
        bed.startNode(
            bed.lb1,
            100,
            "--notify-master",
            script + " became-master",
            "--notify-stop",
            script + " stopping",
            "--notify",
            script.toString());
    VrrpTestbed.awaitState(node, "MASTER", 1, Duration.ofSeconds(10));
    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(40));
    // The specific script with its own arguments, then the generic one with keepalived's four, in
    // order.
    assertThat(Files.readAllLines(log))
        .containsExactly(
            "INSTANCE VI_51 BACKUP 100",
            "became-master",
            "INSTANCE VI_51 MASTER 100",
            "stopping",
            "INSTANCE VI_51 STOP 100");
  }

  @Test
  void aFailingTrackScriptWithWeightZeroPutsTheMasterInFaultAndItsRecoveryBringsItBack()
      throws Exception {
    Path healthy = bed.lb1.file("nginx-alive");
    Files.writeString(healthy, "");
    Path check = bed.lb1.file("check_nginx.sh");
    Files.writeString(check, "#!/bin/sh\ntest -e " + healthy + "\n");
    check.toFile().setExecutable(true);
    NetnsProcess node =
        bed.startNode(
            bed.lb1,
            100,
            "--track-script",
            check.toString(),
            "--track-interval",
            "0.2",
            "--track-fall",
            "2",
            "--track-rise",
            "1");
    VrrpTestbed.awaitState(node, "MASTER", 1, Duration.ofSeconds(10));
    assertThat(bed.lb1.addresses()).contains("10.200.0.100/24");

    Files.delete(healthy);
    // awaited by its text, not by counting FAULT lines: on a loaded machine the 0.2 s script can
    // time out
    // once at start-up (BACKUP -> FAULT -> BACKUP) before the node first becomes MASTER
    node.awaitOutput(
        o -> o.contains("MASTER -> FAULT (tracked check_nginx DOWN (weight 0))"),
        Duration.ofSeconds(10),
        "MASTER -> FAULT");
    assertThat(bed.lb1.addresses()).containsExactly("10.200.0.11/24");

    Files.writeString(healthy, "");
    VrrpTestbed.awaitState(node, "MASTER", 2, Duration.ofSeconds(15));
    assertThat(bed.lb1.addresses()).contains("10.200.0.100/24");
    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(10));
  }

  @Test
  void writesItsPidFileAndOnSigtermResignsRemovesTheVipAndTheFile() throws Exception {
    Path pidfile = bed.lb1.file("node.pid");
    NetnsProcess node = bed.startNode(bed.lb1, 100, "--pidfile", pidfile.toString());
    VrrpTestbed.awaitState(node, "MASTER", 1, Duration.ofSeconds(10));
    assertThat(Files.readString(pidfile).trim()).isEqualTo(Long.toString(node.pid()));
    assertThat(bed.lb1.addresses()).contains("10.200.0.100/24");
    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(10));
    assertThat(node.output()).contains("-> INITIALIZE (shutdown").contains("STOPPED");
    assertThat(bed.lb1.addresses()).containsExactly("10.200.0.11/24");
    assertThat(pidfile).doesNotExist();
  }

  /**
   * The metrics of a real instance, as the {@code USR2} stats dump (the text of {@code /metrics})
   * shows them: the transitions it went through by {@code from} and {@code to}, its track script's
   * results and latency.
   */
  @Test
  void transitionsAndTrackScriptResultsAreInTheStats() throws Exception {
    Path healthy = bed.lb1.file("nginx-alive");
    Files.writeString(healthy, "");
    Path check = bed.lb1.file("check_nginx.sh");
    Files.writeString(check, "#!/bin/sh\ntest -e " + healthy + "\n");
    check.toFile().setExecutable(true);
    Path stats = bed.lb1.file("ha4j.stats");
    // as the ha4j launcher starts it: USR2 moved off the JVM's suspend signal, so ha4j hears it
    List<String> command = new ArrayList<>(List.of("env", "_JAVA_SR_SIGNUM=40"));
    command.addAll(
        NetnsHost.javaCommand(
            "org.ha4j.examples.cli.Ha4jCommandLine",
            VrrpTestbed.referenceFlags(
                    100,
                    "--track-script",
                    check.toString(),
                    "--track-interval",
                    "0.5",
                    "--track-timeout",
                    "5",
                    "--stats-file",
                    stats.toString(),
                    "--state-file",
                    bed.lb1.file("ha4j.data").toString())
                .toArray(String[]::new)));
    NetnsProcess node = bed.lb1.start(command);
    node.awaitOutput(out -> out.contains("STARTED"), VrrpTestbed.START, "node start");
    VrrpTestbed.awaitState(node, "MASTER", 1, Duration.ofSeconds(10));

    node.signal("USR2");
    node.awaitOutput(
        out -> out.contains("stats written to " + stats), Duration.ofSeconds(10), "USR2");
    String text = Files.readString(stats);
    String output = node.output();
    // every transition the node printed, and none it did not (a slow script may add a FAULT)
    for (String from : List.of("INITIALIZE", "BACKUP", "MASTER", "FAULT")) {
      for (String to : List.of("INITIALIZE", "BACKUP", "MASTER", "FAULT")) {
        if (!from.equals(to)) {
          String series =
              "ha4j_vrrp_transitions_total{from=\""
                  + from
                  + "\",instance=\"VI_51\",to=\""
                  + to
                  + "\"}";
          assertThat(value(text, series))
              .as(series)
              .isEqualTo(VrrpTestbed.count(output, "STATE " + from + " -> " + to + " "));
        }
      }
    }
    assertThat(
            value(
                text,
                "ha4j_vrrp_transitions_total{from=\"BACKUP\",instance=\"VI_51\",to=\"MASTER\"}"))
        .isPositive();
    assertThat(text)
        .contains("ha4j_probe_up{probe=\"check_nginx\"} 1.0")
        .contains("ha4j_probe_failures_total{probe=\"check_nginx\",reason=\"PROBE_ERROR\"} 0.0");
    assertThat(value(text, "ha4j_probe_successes_total{probe=\"check_nginx\"}")).isPositive();
    assertThat(value(text, "ha4j_probe_latency_seconds_count{probe=\"check_nginx\"}")).isPositive();
    assertThat(value(text, "ha4j_probe_latency_seconds_sum{probe=\"check_nginx\"}")).isPositive();
    assertThat(value(text, "ha4j_vrrp_adverts_total{direction=\"sent\",instance=\"VI_51\"}"))
        .isPositive();

    node.signal("TERM");
    assertThat(node.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(bed.lb1.addresses()).containsExactly("10.200.0.11/24");
  }

  private static double value(String text, String series) {
    return text.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
  }
}
