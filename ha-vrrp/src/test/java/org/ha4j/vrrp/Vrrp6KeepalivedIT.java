package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.net.NeighbourAdvertisement;
import org.ha4j.vrrp.testing.Ipv6Hosts;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An IPv6 {@link VrrpInstance} (VRRPv3, RFC 9568) and keepalived 2.2.7 in one group on
 * fd00:200::/64, both ways round. On every takeover the VIP fd00:200::100 moves to exactly one
 * holder, and the client's neighbour entry for it switches to the new master's MAC without the
 * client asking (the unsolicited neighbour advertisement did it); a third namespace sees the
 * adverts come from the master's link-local address to ff02::12 with hop limit 255. After TERM no
 * VIP and no process is left.
 */
class Vrrp6KeepalivedIT {

  private static final String VIP = "fd00:200::100";
  private static final Duration START = Duration.ofSeconds(20);
  private static final Duration TAKEOVER = Duration.ofSeconds(3);

  private NetnsLan lan;
  private NetnsHost lb1;
  private NetnsHost lb2;
  private NetnsHost client;
  private NetnsProcess capture;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets and netlink");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    Ipv6Hosts.floodMulticast(lan);
    lb1 = lan.addHost("lb1", 10);
    lb2 = lan.addHost("lb2", 11);
    client = lan.addHost("client", 20);
    Ipv6Hosts.enable(lb1, 0x10);
    Ipv6Hosts.enable(lb2, 0x11);
    Ipv6Hosts.enable(client, 0x20);
    capture = client.start(NetnsHost.javaCommand(Ipv6AdvertCapture.class.getName()));
    capture.awaitOutput(out -> out.contains("CAPTURING"), START, "the capture");
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  static String keepalivedV6(String state, int priority, String... extra) {
    StringBuilder config =
        new StringBuilder(
            "global_defs {\n  router_id h4jv6\n}\n"
                + "vrrp_instance VI_1 {\n  state "
                + state
                + "\n  interface eth0\n  virtual_router_id 51\n  priority "
                + priority
                + "\n  advert_int 0.1\n  virtual_ipaddress {\n    "
                + VIP
                + "/64\n  }\n");
    for (String line : extra) {
      config.append("  ").append(line).append('\n');
    }
    return config.append("}\n").toString();
  }

  private NetnsProcess ha4j(NetnsHost host, int priority, String... unicastSourceAndPeer)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of(Integer.toString(priority), "100", VIP + "/64", "3"));
    if (unicastSourceAndPeer.length == 2) {
      args.add("src=" + unicastSourceAndPeer[0]);
      args.add("peer=" + unicastSourceAndPeer[1]);
    }
    NetnsProcess node =
        host.start(NetnsHost.javaCommand(Vrrp3Node.class.getName(), args.toArray(String[]::new)));
    node.awaitOutput(out -> out.contains("STARTED"), START, "ha4j started");
    return node;
  }

  /**
   * The client learns the VIP's MAC the ordinary way: a datagram to it makes its kernel ask
   * (neighbour solicitation); waits, bounded, for the answer.
   */
  private String clientLearnsVip() throws IOException {
    client.run("bash", "-c", "echo hello > /dev/udp/" + VIP + "/9");
    long deadline = System.nanoTime() + TAKEOVER.toNanos();
    String mac = Ipv6Hosts.neighbour(client, VIP);
    while (mac.isEmpty() && System.nanoTime() - deadline < 0) {
      mac = Ipv6Hosts.neighbour(client, VIP);
    }
    return mac;
  }

  /** Waits, bounded, until the client's cached MAC for the VIP is {@code mac}, without asking. */
  private void awaitClientNeighbour(String mac) throws IOException {
    long deadline = System.nanoTime() + TAKEOVER.toNanos();
    String seen = Ipv6Hosts.neighbour(client, VIP);
    while (!seen.equals(mac) && System.nanoTime() - deadline < 0) {
      seen = Ipv6Hosts.neighbour(client, VIP);
    }
    assertThat(seen).as("the client's neighbour entry for the VIP").isEqualTo(mac);
  }

  private void assertSoleHolder(NetnsHost holder, NetnsHost other) throws IOException {
    assertThat(Ipv6Hosts.hasAddress(holder, VIP)).as(holder + " holds the VIP").isTrue();
    assertThat(Ipv6Hosts.hasAddress(other, VIP)).as(other + " holds the VIP").isFalse();
  }

  /** The capture heard adverts from {@code host}'s link-local address, all to ff02::12, hop 255. */
  private void assertAdvertsOnTheWire(NetnsHost host) throws IOException {
    String source = Ipv6Hosts.linkLocal(host);
    capture.awaitOutput(
        out -> out.contains("ADVERT src=" + source + " "), TAKEOVER, "adverts from " + source);
    assertThat(capture.output().lines().filter(line -> line.contains("src=" + source + " ")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains(" dst=ff02::12 hop=255 "));
  }

  @Test
  void ha4jMasterWithKeepalivedBackup() throws Exception {
    NetnsProcess ha4j = ha4j(lb1, 100);
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalivedV6("BACKUP", 90));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertSoleHolder(lb1, lb2);
    assertAdvertsOnTheWire(lb1);
    assertThat(clientLearnsVip()).isEqualTo(Ipv6Hosts.mac(lb1));

    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    keepalived.awaitOutput(out -> out.contains("Entering MASTER STATE"), TAKEOVER, "keepalived");
    assertThat(ha4j.output()).contains("DROPS {}");
    assertSoleHolder(lb2, lb1);
    awaitClientNeighbour(Ipv6Hosts.mac(lb2));
    assertAdvertsOnTheWire(lb2);
    assertThat(ha4j.isAlive()).isFalse();
  }

  @Test
  void keepalivedMasterWithHa4jBackupThenHa4jTakesOverOnACrash() throws Exception {
    NetnsProcess keepalived = Keepalived.start(lb1, keepalivedV6("MASTER", 100));
    keepalived.awaitOutput(out -> out.contains("Entering MASTER STATE"), START, "keepalived");
    NetnsProcess ha4j = ha4j(lb2, 90);
    ha4j.awaitOutput(out -> out.contains("STATE BACKUP"), START, "ha4j BACKUP");
    ha4j.assertNeverOutputs("STATE MASTER", Duration.ofSeconds(2));
    assertSoleHolder(lb1, lb2);
    assertThat(clientLearnsVip()).isEqualTo(Ipv6Hosts.mac(lb1));

    keepalived.crashTree();
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), TAKEOVER, "ha4j MASTER");
    awaitClientNeighbour(Ipv6Hosts.mac(lb2));
    assertAdvertsOnTheWire(lb2);
    // keepalived died without removing its VIP: the namespace still holds it, as after any crash
    ha4j.signal("TERM");
    ha4j.awaitExit(Duration.ofSeconds(10));
    assertThat(ha4j.output()).contains("DROPS {}");
    assertThat(Ipv6Hosts.hasAddress(lb2, VIP)).isFalse();
    assertThat(ha4j.isAlive()).isFalse();
  }

  /**
   * Unicast over IPv6 (keepalived's {@code unicast_src_ip}/{@code unicast_peer}): a crashed ha4j
   * master hands over to keepalived; restarted with the higher priority it preempts keepalived (so
   * it accepts keepalived's unicast adverts, sent with hop limit 64) and the client follows its
   * neighbour advertisement; on TERM keepalived takes over again.
   */
  @Test
  void unicastPeersOverIpv6() throws Exception {
    String lb1Address = Ipv6Hosts.PREFIX + "10";
    String lb2Address = Ipv6Hosts.PREFIX + "11";
    NetnsProcess ha4j = ha4j(lb1, 100, lb1Address, lb2Address);
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived =
        Keepalived.start(
            lb2,
            keepalivedV6(
                "BACKUP",
                90,
                "unicast_src_ip " + lb2Address,
                "unicast_peer {\n    " + lb1Address + "\n  }"));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertSoleHolder(lb1, lb2);
    assertThat(clientLearnsVip()).isEqualTo(Ipv6Hosts.mac(lb1));

    ha4j.crash();
    keepalived.awaitOutput(out -> out.contains("Entering MASTER STATE"), TAKEOVER, "keepalived");
    awaitClientNeighbour(Ipv6Hosts.mac(lb2));
    // a crashed router's VIP stays until someone removes it: the restart below starts clean
    lb1.run("ip", "-6", "addr", "del", VIP + "/64", "dev", "eth0");

    NetnsProcess again = ha4j(lb1, 100, lb1Address, lb2Address);
    again.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER by preemption");
    keepalived.awaitOutput(
        out -> out.split("Entering BACKUP STATE", -1).length > 2, TAKEOVER, "keepalived BACKUP");
    awaitClientNeighbour(Ipv6Hosts.mac(lb1));
    assertSoleHolder(lb1, lb2);

    again.signal("TERM");
    again.awaitExit(Duration.ofSeconds(10));
    assertThat(again.output()).contains("DROPS {}");
    assertThat(again.isAlive()).isFalse();
    long deadline = System.nanoTime() + TAKEOVER.toNanos();
    while (!Ipv6Hosts.hasAddress(lb2, VIP) && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
    assertSoleHolder(lb2, lb1);
  }

  /**
   * {@link VrrpInstance#reconfigure} of an IPv6 MASTER beside a keepalived BACKUP: 20 reloads
   * alternating priority 100/110 and a tracked source added and dropped. Neither side changes
   * state, the VIP stays on the master only, its adverts on the wire carry each new priority, and
   * its threads and fds stay as they were.
   */
  @Test
  void reloadsOfAnIpv6MasterBesideKeepalivedChangeNoState() throws Exception {
    Path control = VrrpReloadIT.controlFifo(lb1);
    NetnsProcess ha4j =
        VrrpReloadIT.reloadNode(
            lb1, control, 3, "100;100;" + VIP + "/64", "110;100;" + VIP + "/64;;check/-5/UP");
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    NetnsProcess keepalived = Keepalived.start(lb2, keepalivedV6("BACKUP", 90));
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(2));
    String source = Ipv6Hosts.linkLocal(lb1);
    List<String> resources = new ArrayList<>();
    int reloads = 20;
    for (int n = 1; n <= reloads; n++) {
      int reload = n;
      String priority = n % 2 == 1 ? "110" : "100";
      int before = VrrpReloadIT.count(capture.output(), "src=" + source + " ");
      Files.writeString(control, "RELOAD\n");
      String out =
          ha4j.awaitOutput(
              o -> o.contains("RELOADED " + reload + " "), Duration.ofSeconds(10), "reload " + n);
      resources.add(
          out.substring(out.indexOf("RELOADED " + reload + " "))
              .lines()
              .findFirst()
              .orElseThrow()
              .replaceFirst("RELOADED \\d+ ", ""));
      capture.awaitOutput(
          o ->
              o.lines()
                  .filter(line -> line.contains("src=" + source + " "))
                  .skip(before)
                  .anyMatch(line -> line.endsWith(" prio=" + priority)),
          TAKEOVER,
          "an advert with priority " + priority + " after reload " + n);
      assertSoleHolder(lb1, lb2);
    }
    keepalived.assertNeverOutputs("Entering MASTER STATE", Duration.ofSeconds(1));
    String ha4jOut = ha4j.output();
    assertThat(ha4jOut.lines().filter(line -> line.startsWith("STATE ")).map(l -> l.split(" ")[1]))
        .as("ha4j transitions")
        .containsExactly("BACKUP", "MASTER");
    assertThat(VrrpReloadIT.count(ha4jOut, ") reconfigured: priority ")).isEqualTo(reloads);
    assertThat(VrrpReloadIT.count(keepalived.output(), "Entering "))
        .as("keepalived transitions")
        .isEqualTo(1);
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    // fds as after the second reload: the control FIFO is open then
    assertThat(resources.get(reloads - 1)).as("threads and fds").isEqualTo(resources.get(1));

    ha4j.signal("TERM");
    assertThat(ha4j.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    assertThat(ha4j.output()).contains("DROPS {}");
    keepalived.awaitOutput(out -> out.contains("Entering MASTER STATE"), TAKEOVER, "keepalived");
    assertSoleHolder(lb2, lb1);
    assertThat(ha4j.isAlive()).isFalse();
  }

  /**
   * The unsolicited neighbour advertisement, known answer: what keepalived 2.2.7 sends for the VIP
   * and what ha4j sends are both RFC 4861 §4.4 as {@link NeighbourAdvertisement#message} writes it
   * by hand (type 136, Override set, Solicited clear, target the VIP, option 2 with the sender's
   * MAC), from the VIP to ff02::1 with hop limit 255.
   */
  @Test
  void keepalivedAndHa4jSendTheSameNeighbourAdvertisement() throws Exception {
    NetnsProcess na = client.start(NetnsHost.javaCommand(Ipv6AdvertCapture.class.getName(), "na"));
    na.awaitOutput(out -> out.contains("CAPTURING"), START, "the NA capture");
    NetnsProcess keepalived = Keepalived.start(lb1, keepalivedV6("MASTER", 100));
    keepalived.awaitOutput(out -> out.contains("Entering MASTER STATE"), START, "keepalived");
    assertNeighbourAdvertisement(na, lb1);
    keepalived.crashTree();

    NetnsProcess ha4j = ha4j(lb2, 100);
    ha4j.awaitOutput(out -> out.contains("STATE MASTER"), START, "ha4j MASTER");
    assertNeighbourAdvertisement(na, lb2);
  }

  private static void assertNeighbourAdvertisement(NetnsProcess capture, NetnsHost sender)
      throws IOException {
    String mac = Ipv6Hosts.mac(sender).replace(":", "");
    String line =
        capture
            .awaitOutput(out -> out.contains(mac + "\n"), TAKEOVER, "an NA from " + sender)
            .lines()
            .filter(l -> l.endsWith(mac))
            .findFirst()
            .orElseThrow();
    assertThat(line).startsWith("NA src=" + VIP + " dst=ff02::1 hop=255 ");
    String hex = line.substring(line.indexOf("hex=") + 4);
    String expected =
        HexFormat.of()
            .formatHex(
                NeighbourAdvertisement.message(IpAddress.parse(VIP), HexFormat.of().parseHex(mac)));
    // the checksum (bytes 2-3) covers the source address: compare the rest
    assertThat(hex.substring(0, 4) + "0000" + hex.substring(8)).isEqualTo(expected);
  }
}
