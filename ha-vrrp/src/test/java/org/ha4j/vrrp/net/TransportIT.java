package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport, VIPs and GARP on a real (namespaced) LAN, against each other and a real
 * keepalived.
 */
class TransportIT {

  private static final List<Ipv4Address> VIP = List.of(Ipv4Address.parse("10.200.0.100"));
  private static final Duration START = Duration.ofSeconds(20);

  private NetnsLan lan;
  private NetnsHost a;
  private NetnsHost b;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces and raw sockets");
    lan = NetnsLan.create();
    a = lan.addHost("a", 11);
    b = lan.addHost("b", 12);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  private static List<String> tool(String... args) {
    return NetnsHost.javaCommand(WireTool.class.getName(), args);
  }

  private NetnsProcess listen(NetnsHost host, long millis, String... peers) throws Exception {
    String[] args = new String[3 + peers.length];
    args[0] = "listen";
    args[1] = "eth0";
    args[2] = Long.toString(millis);
    System.arraycopy(peers, 0, args, 3, peers.length);
    NetnsProcess listener = host.start(tool(args));
    listener.awaitOutput(out -> out.contains("READY"), START, "READY");
    return listener;
  }

  @Test
  void multicastAdvertsArriveWithTheirTtlAndForgedTtlIsRejected() throws Exception {
    NetnsProcess listener = listen(a, 15_000);
    String advert = TestAdverts.hex(TestAdverts.advert(51, 100, "1111", 1, VIP));
    b.run(tool("send", "eth0", "255", advert, "1", "0").toArray(String[]::new));
    b.run(tool("send", "eth0", "64", advert, "1", "0").toArray(String[]::new));
    String out =
        listener.awaitOutput(o -> o.contains("REJECTED TTL_NOT_255"), START, "TTL rejection");
    assertThat(out).contains("PACKET 10.200.0.12 255 " + advert);
  }

  @Test
  void unicastAcceptsPeersOnly() throws Exception {
    NetnsHost c = lan.addHost("c", 13);
    NetnsProcess listener = listen(a, 15_000, "10.200.0.12");
    String advert = TestAdverts.hex(TestAdverts.advert(51, 100, "1111", 1, VIP));
    b.run(tool("send", "eth0", "255", advert, "1", "0", "10.200.0.11").toArray(String[]::new));
    c.run(tool("send", "eth0", "255", advert, "1", "0", "10.200.0.11").toArray(String[]::new));
    String out =
        listener.awaitOutput(o -> o.contains("REJECTED NOT_A_PEER"), START, "non-peer rejection");
    assertThat(out).contains("PACKET 10.200.0.12 255 " + advert);
  }

  @Test
  void receivesKeepalivedsAdvertisements() throws Exception {
    Privileges.assumeCommand("keepalived");
    NetnsProcess listener = listen(a, 20_000);
    Keepalived.start(b, Keepalived.config("MASTER", 100, "10.200.0.100/24"));
    // version 2 type 1, VRID 51, priority 100, 1 address, auth PASS, interval 1, checksum, VIP,
    // "1111"
    String out =
        listener.awaitOutput(
            o -> o.contains("PACKET 10.200.0.12 255 2133640101"), START, "keepalived advert");
    assertThat(out).contains("0ac8006431313131");
    assertThat(out).doesNotContain("REJECTED");
  }

  @Test
  void keepalivedAcceptsOurAdvertisementsAndStaysBackupWhileTheyCome() throws Exception {
    Privileges.assumeCommand("keepalived");
    String advert = TestAdverts.hex(TestAdverts.advert(51, 100, "1111", 1, VIP));
    NetnsProcess sender = a.start(tool("send", "eth0", "255", advert, "7", "1000"));
    NetnsProcess keepalived =
        Keepalived.start(b, Keepalived.config("BACKUP", 90, "10.200.0.100/24"));
    sender.awaitExit(Duration.ofSeconds(20));
    // 7 adverts a second apart, Master_Down_Interval 3.65 s at priority 90: had keepalived refused
    // any of
    // them it would have become MASTER while they were still coming.
    assertThat(keepalived.output()).doesNotContain("Entering MASTER STATE");
    assertThat(Keepalived.rejections(keepalived)).isEmpty();
    assertThat(b.hasAddress(VIP.get(0))).isFalse();
    // Once they stop, it takes over: it was our adverts that held it back.
    keepalived.awaitOutput(
        o -> o.contains("Entering MASTER STATE"), Duration.ofSeconds(10), "MASTER after silence");
  }

  @Test
  void vipsAreAddedAndRemovedIdempotentlyAndTheOwnAddressIsNeverRemoved() throws Exception {
    a.run("ip", "addr", "add", "10.200.0.100/24", "dev", "eth0"); // left behind by a "crash"
    String cleanup =
        a.run(
            tool("vip", "eth0", "cleanup", "10.200.0.11/24", "10.200.0.100/24")
                .toArray(String[]::new));
    assertThat(cleanup).contains("CLEANED [10.200.0.100/24]").contains("HOST_OWNED [10.200.0.11]");
    assertThat(a.addresses()).containsExactly("10.200.0.11/24");

    assertThat(
            a.run(
                tool("vip", "eth0", "add", "10.200.0.100/24", "10.200.0.101")
                    .toArray(String[]::new)))
        .contains("ADDED [10.200.0.100/24, 10.200.0.101/32]");
    assertThat(
            a.run(
                tool("vip", "eth0", "add", "10.200.0.100/24", "10.200.0.101")
                    .toArray(String[]::new)))
        .contains("ADDED []");
    assertThat(a.addresses())
        .containsExactlyInAnyOrder("10.200.0.11/24", "10.200.0.100/24", "10.200.0.101/32");

    assertThat(
            a.run(
                tool("vip", "eth0", "remove", "10.200.0.11/24", "10.200.0.100/24", "10.200.0.101")
                    .toArray(String[]::new)))
        .contains("REMOVED [10.200.0.100/24, 10.200.0.101/32]");
    assertThat(a.run(tool("vip", "eth0", "remove", "10.200.0.100/24").toArray(String[]::new)))
        .contains("REMOVED []");
    assertThat(a.addresses()).containsExactly("10.200.0.11/24");
  }

  @Test
  void gratuitousArpMovesANeighboursEntryToOurMac() throws Exception {
    b.run(
        "ip",
        "neigh",
        "replace",
        "10.200.0.100",
        "lladdr",
        "02:00:00:00:00:99",
        "dev",
        "eth0",
        "nud",
        "stale");
    String garp = a.run(tool("garp", "eth0", "10.200.0.100").toArray(String[]::new));
    String mac = garp.substring(garp.indexOf("GARP ") + 5).trim();
    assertThat(awaitNeighbour(b, "10.200.0.100", mac)).contains(mac);
  }

  /**
   * {@code host}'s neighbour entry for {@code ip} once it shows {@code mac}, or as it is after 5 s.
   */
  private static String awaitNeighbour(NetnsHost host, String ip, String mac) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String neigh;
    do {
      neigh = host.run("ip", "neigh", "show", ip, "dev", "eth0");
    } while (!neigh.contains(mac) && System.nanoTime() - deadline < 0);
    return neigh;
  }

  @Test
  void rehearsalsOfTheTakeoverPutNothingOnTheWireAndChangeNoAddress() throws Exception {
    // The advert send: a probed advert (priority 200) never arrives; the one sent after it does,
    // and alone.
    NetnsProcess listener = listen(a, 15_000);
    String probed = TestAdverts.hex(TestAdverts.advert(51, 200, "1111", 1, VIP));
    String sent = TestAdverts.hex(TestAdverts.advert(51, 100, "1111", 1, VIP));
    assertThat(b.run(tool("probe-then-send", "eth0", probed, sent).toArray(String[]::new)))
        .contains("PROBED_AND_SENT");
    String out =
        listener.awaitOutput(
            o -> o.contains("PACKET 10.200.0.12 255 " + sent), START, "the sent advert");
    assertThat(out).doesNotContain(probed);

    // The netlink add: the kernel refuses it (ENODEV) and no address appears.
    assertThat(a.run(tool("vip", "eth0", "rehearse", "10.200.0.100/24").toArray(String[]::new)))
        .contains("REHEARSED true");
    assertThat(a.addresses()).containsExactly("10.200.0.11/24");

    // The GARP send: refused (ENXIO). Frames reach b in order, so once the real GARP for .101 has
    // moved b's
    // entry, a rehearsal frame for .100 sent before it would have moved .100's entry too.
    b.run(
        "ip",
        "neigh",
        "replace",
        "10.200.0.100",
        "lladdr",
        "02:00:00:00:00:98",
        "dev",
        "eth0",
        "nud",
        "stale");
    b.run(
        "ip",
        "neigh",
        "replace",
        "10.200.0.101",
        "lladdr",
        "02:00:00:00:00:99",
        "dev",
        "eth0",
        "nud",
        "stale");
    String garp =
        a.run(
            tool("rehearse-garp-then-garp", "eth0", "10.200.0.100", "10.200.0.101")
                .toArray(String[]::new));
    assertThat(garp).contains("REHEARSED true");
    String mac = garp.substring(garp.indexOf("GARP ") + 5).trim();
    assertThat(awaitNeighbour(b, "10.200.0.101", mac)).contains(mac);
    assertThat(b.run("ip", "neigh", "show", "10.200.0.100", "dev", "eth0"))
        .contains("02:00:00:00:00:98");
  }
}
