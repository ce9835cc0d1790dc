package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link VrrpInstance#reconfigure} against a real keepalived: an ha4j MASTER reloaded 100 times,
 * alternating priority 100/110 and its addresses {A,B}/{B,C}, beside a keepalived 2.2.7 BACKUP of
 * the same group. Neither side changes state; B stays on the master only, A and C come and go with
 * the configuration; after the stop nothing is left.
 *
 * <p>What keepalived 2.2.7 tolerates decides the rest. It ignores an advert whose address list
 * differs from its own {@code virtual_ipaddress} ("ip address associated with VRID 51 not present
 * in MASTER advert", under VRRPv2 and VRRPv3 alike; later keepalived only logs it), and takes over
 * after three such adverts: so B is the one advertised VIP on both sides, and A and C are the
 * master's {@code virtual_ipaddress_excluded}, added and removed with the VIPs but never
 * advertised. It drops a VRRPv2 advert whose interval differs from its own (RFC 3768 §7.1), so the
 * interval stays 1 s under VRRPv2; under VRRPv3 it alternates 1 s / 2 s: keepalived logs the
 * difference and learns the master's interval (RFC 9568 §6.4.2).
 */
class VrrpReloadIT {

  private static final String A = "10.200.0.101";
  private static final String B = "10.200.0.102";
  private static final String C = "10.200.0.103";
  private static final Duration START = Duration.ofSeconds(20);
  private static final int RELOADS = 100;
  private static final Pattern RELOADED =
      Pattern.compile("RELOADED (\\d+) threads=(\\d+) fds=(\\d+)");
  private static final Pattern STARTED = Pattern.compile("STARTED threads=(\\d+) fds=(\\d+)");

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost lb2;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    lb1 = lan.addHost("lb1", 10);
    lb2 = lan.addHost("lb2", 11);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  private static String keepalived(int version, int intervalMillis) {
    String instance =
        Keepalived.config("BACKUP", 90, B + "/32")
            .replace("advert_int 1", "advert_int " + intervalMillis / 1000.0);
    if (version == 3) {
      instance =
          instance
              .replace("router_id h4jtest", "router_id h4jtest\n  vrrp_version 3")
              .replace("  authentication {\n    auth_type PASS\n    auth_pass 1111\n  }\n", "");
    }
    return instance;
  }

  @ParameterizedTest(name = "VRRPv{0}, advert_int {1} ms / {2} ms")
  @CsvSource({"2, 1000, 1000", "3, 1000, 2000"})
  void hundredReloadsOfAMasterBesideKeepalivedChangeNoState(
      int version, int firstInterval, int secondInterval) throws Exception {
    Path control = lb1.file("reload.fifo");
    Files.deleteIfExists(control);
    new ProcessBuilder("mkfifo", control.toString()).inheritIO().start().waitFor();
    String[] configs = {
      "100:" + firstInterval + ":" + B + "/32:" + A + "/32",
      "110:" + secondInterval + ":" + B + "/32:" + C + "/32"
    };
    NetnsProcess ha4j =
        lb1.start(
            NetnsHost.javaCommand(
                ReloadNode.class.getName(),
                control.toString(),
                Integer.toString(version),
                configs[0],
                configs[1]));
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalived(version, firstInterval));
    // a few adverts heard before the reloads start
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(3));
    Matcher started = STARTED.matcher(ha4j.output());
    assertThat(started.find()).isTrue();
    String startThreads = started.group(1);

    List<String> samples = new ArrayList<>();
    for (int n = 1; n <= RELOADS; n++) {
      Files.writeString(control, "RELOAD\n");
      int reload = n;
      ha4j.awaitOutput(
          out -> out.contains("RELOADED " + reload + " "), Duration.ofSeconds(10), "reload " + n);
      boolean second = n % 2 == 1;
      List<String> onMaster = present(lb1);
      List<String> onBackup = present(lb2);
      samples.add(n + ": lb1 " + onMaster + " lb2 " + onBackup);
      assertThat(onMaster)
          .as("reload %d on the master", n)
          .containsExactlyElementsOf(second ? List.of(B, C) : List.of(A, B));
      assertThat(onBackup).as("reload %d on the keepalived backup", n).isEmpty();
    }
    // the last configuration runs a while: keepalived still hears a master it obeys
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(4));
    assertThat(present(lb1)).containsExactly(A, B);
    assertThat(keepalived.output()).doesNotContain("not present in MASTER advert");

    String ha4jOut = ha4j.output();
    // the start's BACKUP and the first MASTER, nothing after
    assertThat(ha4jOut.lines().filter(line -> line.startsWith("STATE ")).map(l -> l.split(" ")[1]))
        .as("ha4j transitions")
        .containsExactly("BACKUP", "MASTER");
    assertThat(count(ha4jOut, ") reconfigured: priority ")).isEqualTo(RELOADS);
    assertThat(count(keepalived.output(), "Entering ")).as("keepalived transitions").isEqualTo(1);
    assertThat(Keepalived.rejections(keepalived))
        .as("keepalived's refusals")
        .allMatch(line -> version == 3 && line.contains("interval"));

    // ha4j's threads as at start; fds as after the second reload (the control FIFO is open then,
    // and the JVM has opened what it opens lazily)
    List<String[]> resources = new ArrayList<>();
    for (Matcher m = RELOADED.matcher(ha4jOut); m.find(); ) {
      resources.add(new String[] {m.group(2), m.group(3)});
    }
    assertThat(resources).hasSize(RELOADS);
    assertThat(resources).as("ha4j threads").allMatch(r -> r[0].equals(startThreads));
    assertThat(resources.get(RELOADS - 1)[1]).as("open fds").isEqualTo(resources.get(1)[1]);

    ha4j.signal("TERM");
    // 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran on the signal
    assertThat(ha4j.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    assertThat(ha4j.output()).contains("DROPS {}");
    assertThat(present(lb1)).isEmpty();
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), Duration.ofSeconds(5), "keepalived MASTER");
    assertThat(ha4j.isAlive()).isFalse();

    long keepalivedPid = keepalived.pid();
    String namespace = lb1.namespace();
    lan.close();
    assertThat(ProcessHandle.of(keepalivedPid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(
            new String(
                new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes()))
        .doesNotContain(namespace);
  }

  /** Which of A, B, C are on the host's eth0, in that order. */
  private static List<String> present(NetnsHost host) throws Exception {
    List<String> present = new ArrayList<>();
    for (String vip : List.of(A, B, C)) {
      if (host.hasAddress(Ipv4Address.parse(vip))) {
        present.add(vip);
      }
    }
    return present;
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      count++;
    }
    return count;
  }
}
