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
import org.junit.jupiter.api.Test;
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
    Path control = controlFifo(lb1);
    NetnsProcess ha4j =
        reloadNode(
            lb1,
            control,
            version,
            "100:" + firstInterval + ":" + B + "/32:" + A + "/32",
            "110:" + secondInterval + ":" + B + "/32:" + C + "/32");
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalived(version, firstInterval));
    // a few adverts heard before the reloads start
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(3));
    Matcher started = STARTED.matcher(ha4j.output());
    assertThat(started.find()).isTrue();
    String startThreads = started.group(1);

    for (int n = 1; n <= RELOADS; n++) {
      Files.writeString(control, "RELOAD\n");
      int reload = n;
      ha4j.awaitOutput(
          out -> out.contains("RELOADED " + reload + " "), Duration.ofSeconds(10), "reload " + n);
      boolean second = n % 2 == 1;
      List<String> onMaster = present(lb1);
      List<String> onBackup = present(lb2);
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

  @Test
  void fiftyReloadsOfABackupBesideAKeepalivedMasterPutNothingOnTheWire() throws Exception {
    NetnsProcess keepalived = Keepalived.start(lb1, Keepalived.config("MASTER", 150, B + "/32"));
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), START, "keepalived MASTER");
    Path control = controlFifo(lb2);
    NetnsProcess ha4j =
        reloadNode(
            lb2,
            control,
            2,
            "100:1000:" + B + "/32:" + A + "/32",
            "120:1000:" + B + "/32:" + C + "/32");
    ha4j.awaitOutput(out -> out.contains("STATE BACKUP"), START, "ha4j BACKUP");
    int keepalivedStates = count(keepalived.output(), "Entering "); // BACKUP (init), MASTER

    for (int n = 1; n <= 50; n++) {
      command(control, ha4j, "RELOAD", "RELOADED " + n + " ");
      assertThat(present(lb2)).as("reload %d on the ha4j backup", n).isEmpty();
      assertThat(present(lb1)).as("reload %d on the keepalived master", n).containsExactly(B);
    }
    ha4j.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(4));
    assertThat(lines(ha4j, "STATE ")).containsExactly("BACKUP gen=0");
    assertThat(count(keepalived.output(), "Entering ")).isEqualTo(keepalivedStates);
    // a backup that sent anything would show here: keepalived answers every advert it hears
    assertThat(keepalived.output()).doesNotContain("lower priority").doesNotContain("10.200.0.11");
    assertThat(ha4j.output()).contains("reconfigured: priority 100 -> 120");

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    assertThat(present(lb2)).isEmpty();
  }

  @Test
  void trackedSourcesListenersAndTheReplacementFollowTheReload() throws Exception {
    Path control = controlFifo(lb1);
    NetnsProcess ha4j =
        reloadNode(
            lb1,
            control,
            2,
            "100:1000:" + B + "/32::check/0/UP",
            "100:1000:" + B + "/32::check/0/UP",
            "100:1000:" + B + "/32::check/0/UP,extra/0/DOWN",
            "100:1000:" + B + "/32::check/0/UP::t0/0");
    ha4j.awaitOutput(out -> out.contains("STATE MASTER gen=0"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalived(2, 1000));

    // the same settings with new health sources: nothing changes, the new listener hears it
    command(control, ha4j, "RELOAD 1", "RELOADED 1 ");
    assertThat(ha4j.output()).contains("RECONFIGURED gen=1 nothing changed");
    assertThat(ha4j.output()).doesNotContain("RECONFIGURED gen=0");

    // the old source is no longer followed
    command(control, ha4j, "SIGNAL 0 check DOWN", "SIGNALLED");
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(4));
    assertThat(lines(ha4j, "STATE ")).containsExactly("BACKUP gen=0", "MASTER gen=0");

    // the new one is: FAULT, reported to the new listener only; keepalived takes the VIP
    command(control, ha4j, "SIGNAL 1 check DOWN", "SIGNALLED");
    ha4j.awaitOutput(out -> out.contains("STATE FAULT gen=1"), START, "ha4j FAULT");
    keepalived.awaitOutput(
        out -> out.contains("Entering MASTER STATE"), Duration.ofSeconds(5), "keepalived MASTER");
    assertThat(present(lb1)).isEmpty();
    awaitAddress(lb2, B);
    command(control, ha4j, "SIGNAL 1 check UP", "SIGNALLED");
    ha4j.awaitOutput(out -> out.contains("STATE MASTER gen=1"), START, "ha4j MASTER again");
    awaitNoAddress(lb2, B);
    assertThat(present(lb1)).containsExactly(B);

    // a newly tracked weight-0 source that is DOWN: FAULT at once, as at start
    command(control, ha4j, "RELOAD 2", "RELOADED 2 ");
    assertThat(ha4j.output()).contains("STATE FAULT gen=2 (reconfigured: tracked extra DOWN");
    assertThat(present(lb1)).isEmpty();
    awaitAddress(lb2, B);

    // a newly tracked interface that is down holds the FAULT; its link coming up ends it
    lb1.run("ip", "link", "add", "t0", "type", "veth", "peer", "name", "t1"); // both ends down
    command(control, ha4j, "RELOAD 3", "RELOADED 3 ");
    assertThat(lines(ha4j, "STATE ")).last().isEqualTo("FAULT gen=2");
    lb1.run("ip", "link", "set", "t1", "up");
    lb1.run("ip", "link", "set", "t0", "up");
    ha4j.awaitOutput(out -> out.contains("STATE MASTER gen=3"), START, "ha4j MASTER once t0 is up");
    assertThat(present(lb1)).containsExactly(B);

    command(control, ha4j, "START_REPLACEMENT", "START_REPLACEMENT ");
    assertThat(ha4j.output())
        .contains(
            "START_REPLACEMENT java.lang.IllegalStateException: VRRP instance VI_1 was consumed by"
                + " a reconfigure of VI_1");
    assertThat(lines(ha4j, "STATE "))
        .containsExactly(
            "BACKUP gen=0",
            "MASTER gen=0",
            "FAULT gen=1",
            "BACKUP gen=1",
            "MASTER gen=1",
            "FAULT gen=2",
            "BACKUP gen=3",
            "MASTER gen=3");

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    assertThat(present(lb1)).isEmpty();
  }

  @Test
  void unicastPeersChangeWithoutATransitionOrALeak() throws Exception {
    NetnsHost lb3 = lan.addHost("lb3", 12);
    Path control = controlFifo(lb1);
    String peer = lb2.address().toString();
    NetnsProcess master =
        reloadNode(
            lb1,
            control,
            2,
            "100:1000:" + B + "/32:::" + peer,
            "100:1000:" + B + "/32:::" + peer + "," + lb3.address());
    master.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb1 MASTER");
    Path backupControl = controlFifo(lb2);
    NetnsProcess backup =
        reloadNode(lb2, backupControl, 2, "90:1000:" + B + "/32:::" + lb1.address());
    backup.awaitOutput(out -> out.contains("STATE BACKUP"), START, "lb2 BACKUP");

    int reloads = 20;
    for (int n = 1; n <= reloads; n++) {
      command(control, master, "RELOAD", "RELOADED " + n + " ");
      assertThat(present(lb1)).as("reload %d", n).containsExactly(B);
      assertThat(present(lb2)).as("reload %d", n).isEmpty();
    }
    // the backup keeps hearing the master through its new sockets
    backup.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(4));
    assertThat(lines(master, "STATE ")).containsExactly("BACKUP gen=0", "MASTER gen=0");
    List<String[]> resources = new ArrayList<>();
    for (Matcher m = RELOADED.matcher(master.output()); m.find(); ) {
      resources.add(new String[] {m.group(2), m.group(3)});
    }
    assertThat(resources).hasSize(reloads);
    assertThat(resources.get(reloads - 1)).as("threads and fds").isEqualTo(resources.get(1));
    assertThat(master.output()).contains("reconfigured: unicast_peer [" + peer + "] -> [");

    master.signal("TERM");
    assertThat(master.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    backup.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb2 MASTER after the stop");
    assertThat(backup.output()).doesNotContain("NOT_A_PEER");
  }

  static Path controlFifo(NetnsHost host) throws Exception {
    Path control = host.file("reload.fifo");
    Files.deleteIfExists(control);
    assertThat(new ProcessBuilder("mkfifo", control.toString()).start().waitFor()).isZero();
    return control;
  }

  static NetnsProcess reloadNode(NetnsHost host, Path control, int version, String... configs)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(control.toString(), Integer.toString(version)));
    args.addAll(List.of(configs));
    return host.start(
        NetnsHost.javaCommand(ReloadNode.class.getName(), args.toArray(String[]::new)));
  }

  /** Writes {@code command} to the node's FIFO and waits for its answer to be printed. */
  private static void command(Path control, NetnsProcess node, String command, String answer)
      throws Exception {
    int before = count(node.output(), answer);
    Files.writeString(control, command + "\n");
    node.awaitOutput(out -> count(out, answer) > before, Duration.ofSeconds(10), command);
  }

  /** The printed lines starting with {@code prefix}, without it and without the reason. */
  private static List<String> lines(NetnsProcess node, String prefix) {
    return node.output()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()).replaceFirst(" \\(.*", ""))
        .toList();
  }

  private static void awaitAddress(NetnsHost host, String vip) throws Exception {
    awaitPresence(host, vip, true);
  }

  private static void awaitNoAddress(NetnsHost host, String vip) throws Exception {
    awaitPresence(host, vip, false);
  }

  private static void awaitPresence(NetnsHost host, String vip, boolean wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (host.hasAddress(Ipv4Address.parse(vip)) != wanted) {
      assertThat(System.nanoTime() - deadline)
          .as("%s %s %s within 10 s", host, wanted ? "holds" : "released", vip)
          .isNegative();
      Thread.onSpinWait();
    }
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

  static int count(String text, String needle) {
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      count++;
    }
    return count;
  }
}
