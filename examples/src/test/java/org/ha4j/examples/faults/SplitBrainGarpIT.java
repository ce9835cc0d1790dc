package org.ha4j.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.junit.jupiter.api.Test;

/**
 * After a two-way partition heals, the surviving master must announce the VIP again: during the
 * split the other side became MASTER too and its gratuitous ARPs pointed every neighbour's ARP
 * cache at itself; it then removes the VIP, and without a fresh GARP from the winner the neighbours
 * keep sending VIP traffic to the loser until their cache entries expire. keepalived does this by
 * default: a MASTER that hears a lower-priority advert sends an advert and {@code
 * garp_lower_prio_repeat} (default: the {@code garp_master_repeat}, 5) GARPs (vrrp.c {@code
 * vrrp_state_master_rx()}; KeepalivedFaultIT shows keepalived 2.2.7 doing it on the same heal).
 */
class SplitBrainGarpIT {

  @Test
  void theWinnerAnnouncesTheVipAgainOnceAPartitionHeals() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets, netlink and nftables");
    Privileges.assumeCommand("nft");
    try (NetnsLan lan = NetnsLan.create()) {
      NetnsHost lb1Host = lan.addHost("lb1", 11);
      NetnsHost lb2Host = lan.addHost("lb2", 12);
      NetnsHost client = lan.addHost("client", 2);
      // the client learns the VIP's MAC from GARPs alone, as a switch or router next to the pair
      // does
      client.run("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_accept=1");
      GarpCounter garps = GarpCounter.start(client, FaultNode.VIP, List.of(lb1Host, lb2Host));
      FaultNode lb1 = FaultNode.start(lb1Host, 100, List.of());
      FaultNode lb2 = FaultNode.start(lb2Host, 90, List.of());
      lb1.awaitEntering("MASTER", 0, Duration.ofSeconds(15));
      lb2.awaitEntering("BACKUP", 0, Duration.ofSeconds(15));
      // lb1's second burst (garp_master_delay 5 s) must be out before, or it would pass for the
      // answer
      VrrpFaultIT.await(
          () -> garps.from(lb1Host) >= 2 * VrrpFaultIT.GARP_BURST,
          Duration.ofSeconds(10),
          "both GARP bursts from lb1");

      AdvertLoss toLb1 = AdvertLoss.all(lb1Host);
      AdvertLoss toLb2 = AdvertLoss.all(lb2Host);
      int partitioned = lb2.mark();
      lb2.awaitEntering("MASTER", partitioned, Duration.ofSeconds(8));
      VrrpFaultIT.await(
          () -> neighbourMac(client).equals(GarpCounter.mac(lb2Host)),
          Duration.ofSeconds(3),
          "the client's ARP entry for the VIP moved to lb2");
      // heal lb1's side first, as KeepalivedFaultIT does with keepalived in lb1's place: lb1 hears
      // lb2's lower-priority advert while lb2 is still deaf, the moment keepalived re-announces
      long lb1Garps = garps.from(lb1Host);
      toLb1.stop();
      AdvertLoss hearing = AdvertLoss.none(lb1Host);
      int healed;
      try {
        VrrpFaultIT.await(
            () -> hearing.seen() >= 1, Duration.ofSeconds(3), "lb1 hearing lb2 again");
      } finally {
        healed = lb2.mark();
        hearing.stop();
        toLb2.stop();
      }
      lb2.awaitEntering("BACKUP", healed, VrrpFaultIT.MASTER_DOWN_90);

      String lb1Mac = GarpCounter.mac(lb1Host);
      try {
        VrrpFaultIT.await(
            () -> neighbourMac(client).equals(lb1Mac),
            Duration.ofSeconds(3),
            "client ARP entry for the VIP back on lb1 (" + lb1Mac + ")");
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage()
                + "; it still says "
                + neighbourMac(client)
                + " (lb2 is "
                + GarpCounter.mac(lb2Host)
                + ", which holds no VIP now: "
                + !lb2.holdsVip()
                + "); GARPs from lb1"
                + " since the heal: "
                + (garps.from(lb1Host) - lb1Garps),
            e);
      }
      assertThat(garps.from(lb1Host)).as("GARPs from lb1 since the heal").isGreaterThan(lb1Garps);
    }
  }

  private static String neighbourMac(NetnsHost host) throws java.io.IOException {
    String[] fields =
        host.run("ip", "neigh", "show", FaultNode.VIP, "dev", NetnsHost.INTERFACE)
            .trim()
            .split("\\s+");
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals("lladdr")) {
        return fields[i + 1];
      }
    }
    return "none";
  }
}
