package org.ha4j.examples.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.core.testing.netns.TcpNameServer;
import org.ha4j.examples.faults.EchoPeers;
import org.ha4j.examples.vrrp.VrrpTestbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reload without loss, end to end: a VRRP pair of {@code ./ha4j run} nodes (lb1 MASTER priority
 * 100, lb2 BACKUP 90) in network namespaces in front of two backends, under a client load of short
 * connections and long-lived streaming sessions, while lb1's two files cycle through four configs
 * and get a SIGHUP each time, {@value #RELOADS} times: upstream servers added, removed (drained)
 * and reweighted, a listener added and removed, the priority raised and lowered (lb1 stays the
 * preferred master), a VIP added and removed (on lb2 too, right after lb1: peers whose VIP lists
 * differ drop each other's adverts); in the middle a pair of broken files. Invariants: no
 * connection error, every long session's bytes whole, no VRRP transition on either node, exactly
 * one holder of the VIP at every sample, the broken files change nothing, lb1's fds and threads
 * back to their baseline, and a clean TERM (exit 0, no VIP, no process) at the end.
 */
class ReloadIT {

  private static final int RELOADS = 30;
  private static final String VIP = "10.200.0.100";
  private static final String EXTRA_VIP = "10.200.0.101";
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration RELOAD = Duration.ofSeconds(20);

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost lb2;
  private NetnsHost client;

  @BeforeEach
  void lan() throws IOException {
    lan = NetnsLan.create();
    try {
      lb1 = lan.addHost("lb1", 11);
      lb2 = lan.addHost("lb2", 12);
      client = lan.addHost("client", 2);
      for (String app : List.of("app1", "app2")) {
        NetnsHost host = lan.addHost(app, app.equals("app1") ? 21 : 22);
        host.start(NetnsHost.javaCommand(TcpNameServer.class.getName(), "8080", app))
            .awaitOutput(out -> out.contains("listening"), START, app + " name server");
        host.start(NetnsHost.javaCommand(EchoPeers.class.getName(), "server", "9000"))
            .awaitOutput(out -> out.contains("listening"), START, app + " echo server");
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      lan.close();
      throw e;
    }
  }

  @AfterEach
  void teardown() {
    lan.close();
  }

  /** One of lb1's four configs; lb2 always runs the first with priority 90. */
  private record Config(
      int priority, boolean extraVip, String names, String echo, boolean extraListener) {

    static final List<Config> CYCLE =
        List.of(
            new Config(100, false, "server 10.200.0.21:8080;", BOTH_ECHOES, false),
            new Config(
                110, true, "server 10.200.0.21:8080; server 10.200.0.22:8080;", BOTH_ECHOES, false),
            new Config(
                100,
                false,
                "server 10.200.0.21:8080 weight=3; server 10.200.0.22:8080;",
                BOTH_ECHOES,
                true),
            new Config(100, false, "server 10.200.0.21:8080;", "server 10.200.0.21:9000;", false));

    /** What {@code RELOADED} says going from the previous config of the cycle to this one. */
    static final List<String> SUMMARIES =
        List.of(
            "RELOADED upstream echo changed",
            "RELOADED VI_1 reconfigured (priority 100->110, virtual_ipaddress +"
                + EXTRA_VIP
                + "/24); upstream names changed",
            "RELOADED VI_1 reconfigured (priority 110->100, virtual_ipaddress -"
                + EXTRA_VIP
                + "/24); listener *:8081 added; upstream names changed",
            "RELOADED listener *:8081 removed; upstream names changed; upstream echo changed");

    String keepalived() {
      return "vrrp_instance VI_1 {\n"
          + "    state BACKUP\n"
          + "    interface eth0\n"
          + "    virtual_router_id 51\n"
          + "    priority "
          + priority
          + "\n"
          + "    advert_int 1\n"
          + "    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n"
          + "    virtual_ipaddress {\n        "
          + VIP
          + "/24\n"
          + (extraVip ? "        " + EXTRA_VIP + "/24\n" : "")
          + "    }\n"
          + "}\n";
    }

    String nginx() {
      return "stream {\n"
          + "    upstream names { "
          + names
          + " }\n"
          + "    upstream echo { "
          + echo
          + " }\n"
          + "    server {\n        listen 8080;\n        proxy_pass names;\n    }\n"
          + "    server {\n        listen 9000;\n        proxy_pass echo;\n    }\n"
          + (extraListener
              ? "    server {\n        listen 8081;\n        proxy_pass names;\n    }\n"
              : "")
          + "}\n";
    }
  }

  private static final String BOTH_ECHOES = "server 10.200.0.21:9000; server 10.200.0.22:9000;";

  /** lb1's files, rewritten in place before each SIGHUP. */
  private Path keepalivedConf;

  private Path nginxConf;

  private void write(Config config) throws IOException {
    Files.writeString(keepalivedConf, config.keepalived());
    Files.writeString(nginxConf, config.nginx());
  }

  /** lb2's keepalived.conf: lb1's VIPs, priority 90. */
  private Path backupKeepalived;

  private static String backupOf(Config config) {
    return config.keepalived().replaceFirst("priority \\d+", "priority 90");
  }

  private NetnsProcess startRun(NetnsHost host, Path keepalived, Path nginx) throws IOException {
    NetnsProcess run =
        host.start(
            NetnsHost.javaCommand(
                "org.ha4j.examples.cli.Ha4jCommandLine",
                "run",
                "--keepalived",
                keepalived.toString(),
                "--nginx",
                nginx.toString()));
    run.awaitOutput(out -> out.contains("STARTED VI_1"), START, host.name() + " start");
    return run;
  }

  @Test
  void thirtyReloadsUnderLoadLoseNothingAndMoveNothing() throws Exception {
    keepalivedConf = lb1.file("keepalived.conf");
    nginxConf = lb1.file("nginx.conf");
    write(Config.CYCLE.get(0));
    backupKeepalived = lb2.file("keepalived.conf");
    Path backupNginx = lb2.file("nginx.conf");
    Config first = Config.CYCLE.get(0);
    Files.writeString(backupKeepalived, backupOf(first));
    Files.writeString(backupNginx, first.nginx());

    NetnsProcess master = startRun(lb1, keepalivedConf, nginxConf);
    VrrpTestbed.awaitState(master, "MASTER", 1, START);
    NetnsProcess backup = startRun(lb2, backupKeepalived, backupNginx);
    VrrpTestbed.awaitState(backup, "BACKUP", 1, START);
    assertThat(holders(VIP)).containsExactly("lb1");

    Path stop = client.file("stop-load");
    NetnsProcess load =
        client.start(
            NetnsHost.javaCommand(
                ReloadLoad.class.getName(), VIP, "8080", "9000", "2", "6", stop.toString()));
    load.awaitOutput(out -> out.contains("RUNNING"), START, "the load running");
    awaitTally(load, t -> t.app1() > 20, "short connections answered");
    int masterTransitions = VrrpTestbed.count(master.output(), "STATE ");
    int backupTransitions = VrrpTestbed.count(backup.output(), "STATE ");
    ProcessResources baseline = ProcessResources.of(master.pid());

    int reloaded = 0;
    int backupReloaded = 0;
    for (int i = 1; i <= RELOADS; i++) {
      if (i == RELOADS / 2) {
        assertBrokenFilesChangeNothing(master, reloaded, load);
      }
      int index = i % Config.CYCLE.size();
      write(Config.CYCLE.get(index));
      master.signal("HUP");
      int expected = ++reloaded;
      String out =
          master.awaitOutput(
              o -> VrrpTestbed.count(o, "RELOADED ") >= expected, RELOAD, "RELOADED #" + expected);
      assertThat(lastLine(out, "RELOADED "))
          .as("reload %d", i)
          .isEqualTo(Config.SUMMARIES.get(index));
      assertThat(holders(VIP)).as("VIP holders after reload %d", i).containsExactly("lb1");
      if (i <= Config.CYCLE.size()) {
        assertNewBehaviour(index, load);
      }
    }

    Files.writeString(stop, "stop");
    String summary = load.awaitOutput(out -> out.contains("DONE"), START, "the load's summary");
    Matcher shorts = Pattern.compile("SHORT ok=(\\d+) errors=(\\d+)").matcher(summary);
    assertThat(shorts.find()).isTrue();
    assertThat(Long.parseLong(shorts.group(1))).as("short connections answered").isGreaterThan(100);
    assertThat(Long.parseLong(shorts.group(2))).as("connection errors").isZero();
    assertThat(summary).doesNotContain("FAILED").doesNotContain("SHORT-ERROR");
    assertThat(VrrpTestbed.count(summary, " whole bytes=")).as("long sessions whole").isEqualTo(6);

    assertThat(VrrpTestbed.count(master.output(), "STATE "))
        .as("lb1's transitions")
        .isEqualTo(masterTransitions);
    assertThat(VrrpTestbed.count(backup.output(), "STATE "))
        .as("lb2's transitions")
        .isEqualTo(backupTransitions);
    assertThat(holders(VIP)).containsExactly("lb1");
    ProcessResources.awaitSettled(
        master.pid(),
        now -> now.openFds() <= baseline.openFds() + 4 && now.threads() <= baseline.threads() + 4,
        Duration.ofSeconds(20),
        "lb1's fds and threads back to " + baseline);

    for (NetnsProcess node : List.of(master, backup)) {
      node.signal("TERM");
      assertThat(node.awaitExit(START)).as("exit status of " + node).isZero();
    }
    assertThat(holders(VIP)).isEmpty();
    assertThat(holders(EXTRA_VIP)).isEmpty();
    for (NetnsProcess node : List.of(master, backup)) {
      assertThat(ProcessHandle.of(node.pid()).filter(ProcessHandle::isAlive))
          .as("process %d left behind", node.pid())
          .isEmpty();
    }
  }

  /** Broken files: every error with file:line, RELOAD FAILED, and nothing changed. */
  private void assertBrokenFilesChangeNothing(NetnsProcess master, int reloaded, NetnsProcess load)
      throws IOException {
    String keepalived = Files.readString(keepalivedConf);
    String nginx = Files.readString(nginxConf);
    Files.writeString(keepalivedConf, keepalived.replaceFirst("priority \\d+", "priority 300"));
    Files.writeString(
        nginxConf,
        nginx.replace("proxy_pass names;", "proxy_pass names;\n        proxy_timeout forever;"));
    master.signal("HUP");
    String out = master.awaitOutput(o -> o.contains("RELOAD FAILED"), RELOAD, "RELOAD FAILED");
    assertThat(out)
        .contains(keepalivedConf + ":5")
        .contains(nginxConf + ":")
        .contains("proxy_timeout")
        .contains("RELOAD FAILED: kept the running configuration");
    assertThat(VrrpTestbed.count(out, "RELOADED ")).isEqualTo(reloaded);
    assertThat(holders(VIP)).containsExactly("lb1");
    Tally before = tally(load);
    awaitTally(load, t -> t.app1() > before.app1() + 10, "still served after the broken files");
    Files.writeString(keepalivedConf, keepalived);
    Files.writeString(nginxConf, nginx);
  }

  /** The first time round the cycle: each change shows in what the client sees. */
  private void assertNewBehaviour(int index, NetnsProcess load) throws IOException {
    switch (index) {
      case 1 -> {
        Tally now = tally(load);
        awaitTally(load, t -> t.app2() > now.app2() + 5, "the added server app2 answering");
        assertThat(holders(EXTRA_VIP)).as("the added VIP").containsExactly("lb1");
      }
      case 2 -> {
        assertThat(client.ask(VIP, 8081, 2000)).as("the added listener").startsWith("OK app");
        assertThat(holders(EXTRA_VIP)).as("the removed VIP").isEmpty();
      }
      case 3 -> {
        assertThat(client.ask(VIP, 8081, 1000)).as("the removed listener").startsWith("FAIL");
        // sessions to app2 accepted before the reload may still answer: let them finish first
        Tally reloaded = tally(load);
        Tally settled = awaitTally(load, t -> t.app1() > reloaded.app1() + 10, "app1 answering");
        Tally later = awaitTally(load, t -> t.app1() > settled.app1() + 30, "app1 alone answering");
        assertThat(later.app2())
            .as("answers from the removed server app2")
            .isEqualTo(settled.app2());
      }
      default -> {}
    }
  }

  /**
   * An instance added by a reload starts (with the script it tracks) and one removed stops
   * gracefully, its VIP gone; an instance whose virtual_router_id changed restarts; the instance
   * that stays sees none of it, and lb1's fds and threads come back once the added one is gone.
   */
  @Test
  void instancesAddedRemovedOrRenumberedStartStopAndRestartBesideAnUntouchedOne() throws Exception {
    keepalivedConf = lb1.file("keepalived.conf");
    nginxConf = lb1.file("nginx.conf");
    Config base = Config.CYCLE.get(0);
    write(base);
    NetnsProcess master = startRun(lb1, keepalivedConf, nginxConf);
    VrrpTestbed.awaitState(master, "MASTER", 1, START);
    int transitions = VrrpTestbed.count(master.output(), "STATE VI_1 ");
    String second =
        "vrrp_script chk_true {\n    script \"/bin/true\"\n    interval 1\n}\n"
            + "vrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 52\n"
            + "    priority 100\n    advert_int 1\n    virtual_ipaddress {\n        10.200.0.110/24\n"
            + "    }\n    track_script {\n        chk_true\n    }\n}\n";

    // Once round first: the first script run starts the health checks' worker threads for good.
    Files.writeString(keepalivedConf, base.keepalived() + second);
    master.signal("HUP");
    master.awaitOutput(
        o -> o.contains("RELOADED VI_2 started; vrrp_script chk_true added"),
        RELOAD,
        "VI_2 started");
    Files.writeString(keepalivedConf, base.keepalived());
    master.signal("HUP");
    master.awaitOutput(o -> o.contains("RELOADED VI_2 stopped"), RELOAD, "VI_2 stopped");
    ProcessResources baseline = ProcessResources.of(master.pid());
    long threadsAtBaseline = threadsBesidesProbePool(master.pid());

    Files.writeString(keepalivedConf, base.keepalived() + second);
    master.signal("HUP");
    master.awaitOutput(
        o -> VrrpTestbed.count(o, "RELOADED VI_2 started") == 2, RELOAD, "VI_2 started again");
    VrrpTestbed.awaitState(master, "MASTER", 2, START);
    assertThat(holders("10.200.0.110")).containsExactly("lb1");

    Files.writeString(
        keepalivedConf,
        base.keepalived() + second.replace("virtual_router_id 52", "virtual_router_id 53"));
    master.signal("HUP");
    master.awaitOutput(
        o -> o.contains("RELOADED VI_2 restarted (virtual_router_id 52->53)"),
        RELOAD,
        "VI_2 restarted");
    VrrpTestbed.awaitState(master, "MASTER", 3, START);
    assertThat(holders("10.200.0.110")).containsExactly("lb1");

    Files.writeString(keepalivedConf, base.keepalived());
    master.signal("HUP");
    master.awaitOutput(
        o -> VrrpTestbed.count(o, "RELOADED VI_2 stopped; vrrp_script chk_true removed") == 2,
        RELOAD,
        "VI_2 stopped again");
    assertThat(holders("10.200.0.110")).as("the stopped instance's VIP").isEmpty();
    assertThat(holders(VIP)).containsExactly("lb1");
    assertThat(VrrpTestbed.count(master.output(), "STATE VI_1 "))
        .as("VI_1's transitions")
        .isEqualTo(transitions);
    ProcessResources.awaitSettled(
        master.pid(),
        now -> now.openFds() <= baseline.openFds() + 2,
        Duration.ofSeconds(20),
        "lb1's fds back to " + baseline);
    awaitThreadsBesidesProbePool(master.pid(), threadsAtBaseline);
    master.signal("TERM");
    assertThat(master.awaitExit(START)).isZero();
    assertThat(holders(VIP)).isEmpty();
  }

  /**
   * The process's threads by their names in /proc, without the health checks' worker pool ({@code
   * ha4j-probe-N}), which grows to its fixed size as scripts run, reload or not.
   */
  private static long threadsBesidesProbePool(long pid) throws IOException {
    try (java.util.stream.Stream<Path> tasks =
        Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return tasks.filter(task -> !threadName(task).startsWith("ha4j-probe-")).count();
    }
  }

  private static String threadName(Path task) {
    try {
      return Files.readString(task.resolve("comm")).strip();
    } catch (IOException gone) {
      return "ha4j-probe-"; // the thread ended while listed: not counted
    }
  }

  private static void awaitThreadsBesidesProbePool(long pid, long atMost) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long now = threadsBesidesProbePool(pid);
    while (now > atMost) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "lb1's threads (besides the probe pool) not back to "
                + atMost
                + " within 20 s: "
                + now);
      }
      // polling another process's thread list: an external state
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      now = threadsBesidesProbePool(pid);
    }
  }

  private List<String> holders(String vip) throws IOException {
    List<String> out = new ArrayList<>();
    for (NetnsHost host : List.of(lb1, lb2)) {
      for (String address : host.addresses()) {
        if (address.startsWith(vip + "/")) {
          out.add(host.name());
        }
      }
    }
    return out;
  }

  private record Tally(long app1, long app2, long errors) {}

  private static final Pattern TALLY =
      Pattern.compile("TALLY app1=(\\d+) app2=(\\d+) errors=(\\d+)");

  private static Tally tally(NetnsProcess load) {
    Matcher m = TALLY.matcher(load.output());
    Tally last = new Tally(0, 0, 0);
    while (m.find()) {
      last =
          new Tally(
              Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }
    return last;
  }

  private static Tally awaitTally(
      NetnsProcess load, java.util.function.Predicate<Tally> condition, String what) {
    load.awaitOutput(out -> condition.test(tally(load)), Duration.ofSeconds(20), what);
    return tally(load);
  }

  private static String lastLine(String out, String prefix) {
    String last = "";
    for (String line : out.split("\n")) {
      if (line.startsWith(prefix)) {
        last = line;
      }
    }
    return last;
  }
}
