package org.ha4j.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Keepalived;
import org.junit.jupiter.api.Test;

/**
 * The fault suite with a real keepalived 2.2.7 as the MASTER (lb1, priority 100) and {@code ha4j
 * node} as its BACKUP (lb2, priority 90): advert loss that RFC 3768 says to ride out, then a
 * two-way partition and its heal, after which ha4j must yield to keepalived and come back to its
 * baseline.
 */
class KeepalivedFaultIT {

  @Test
  void ha4jBackupRidesOutLossAndYieldsToKeepalivedWhenAPartitionHeals() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets, netlink and nftables");
    Privileges.assumeCommand("nft");
    Privileges.assumeCommand("keepalived");
    try (NetnsLan lan = NetnsLan.create()) {
      NetnsHost lb1Host = lan.addHost("lb1", 11);
      NetnsHost lb2Host = lan.addHost("lb2", 12);
      NetnsHost client = lan.addHost("client", 2);
      GarpCounter garps = GarpCounter.start(client, FaultNode.VIP, List.of(lb1Host, lb2Host));
      NetnsProcess keepalived =
          Keepalived.start(lb1Host, Keepalived.config("MASTER", 100, FaultNode.VIP + "/24"));
      keepalived.awaitOutput(
          out -> out.contains("Entering MASTER STATE"),
          Duration.ofSeconds(10),
          "keepalived MASTER");
      FaultNode ha4j = FaultNode.start(lb2Host, 90, List.of());
      ha4j.awaitEntering("BACKUP", 0, Duration.ofSeconds(10));
      // keepalived's second GARP burst comes garp_master_delay (5 s) after it became MASTER
      VrrpFaultIT.await(
          () -> garps.from(lb1Host) >= 2 * VrrpFaultIT.GARP_BURST,
          Duration.ofSeconds(10),
          "both GARP bursts from keepalived");
      ProcessResources baseline = ProcessResources.of(ha4j.pid());
      int mark = ha4j.mark();

      // 30 %: 6 of 20 adverts, never three in a row
      AdvertLoss loss =
          AdvertLoss.pattern(
              lb2Host, VrrpFaultIT.WINDOW_ADVERTS, AdvertLoss.indexes(1, 2, 7, 10, 11, 16));
      try {
        VrrpFaultIT.await(
            () -> loss.seen() >= VrrpFaultIT.WINDOW_ADVERTS,
            Duration.ofSeconds(VrrpFaultIT.WINDOW_ADVERTS + 10),
            "20 keepalived adverts at ha4j");
        assertThat(loss.dropped()).as("adverts ha4j lost").isEqualTo(6);
      } finally {
        loss.stop();
      }
      assertThat(ha4j.transitionsSince(mark)).as("ha4j transitions under 30 % loss").isEmpty();

      // partition both ways: ha4j takes over while keepalived keeps the VIP too; then heal
      int keepalivedMark = keepalived.output().length();
      AdvertLoss toKeepalived = AdvertLoss.all(lb1Host);
      AdvertLoss toHa4j = AdvertLoss.all(lb2Host);
      int healed;
      long keepalivedGarps;
      try {
        ha4j.awaitEntering("MASTER", mark, Duration.ofSeconds(8));
        assertThat(ha4j.holdsVip()).as("ha4j holds the VIP while partitioned").isTrue();
        assertThat(lb1Host.hasAddress(org.ha4j.core.net.Ipv4Address.parse(FaultNode.VIP)))
            .as("keepalived holds the VIP while partitioned")
            .isTrue();
      } finally {
        keepalivedGarps = garps.from(lb1Host);
        toKeepalived.stop();
      }
      // keepalived hears ha4j's lower-priority advert first (ha4j is still deaf): it answers with
      // an
      // advert and garp_lower_prio_repeat GARPs (vrrp.c vrrp_state_master_rx()), the split brain's
      // cure
      AdvertLoss hearing = AdvertLoss.none(lb1Host);
      try {
        VrrpFaultIT.await(
            () -> hearing.seen() >= 1, Duration.ofSeconds(3), "keepalived hearing ha4j again");
        VrrpFaultIT.await(
            () -> garps.from(lb1Host) > keepalivedGarps,
            Duration.ofSeconds(2),
            "GARP from keepalived once it heard the lower-priority master");
      } finally {
        healed = ha4j.mark();
        hearing.stop();
        toHa4j.stop();
      }
      ha4j.awaitEntering("BACKUP", healed, VrrpFaultIT.MASTER_DOWN_90);
      VrrpFaultIT.await(() -> !ha4j.holdsVip(), Duration.ofSeconds(1), "ha4j removing the VIP");
      assertThat(lb1Host.hasAddress(org.ha4j.core.net.Ipv4Address.parse(FaultNode.VIP)))
          .as("keepalived keeps the VIP")
          .isTrue();
      assertThat(keepalived.output().substring(keepalivedMark))
          .doesNotContain("Entering BACKUP STATE");
      assertThat(Keepalived.rejections(keepalived)).isEmpty();

      ProcessResources.awaitSettled(
          ha4j.pid(),
          now ->
              now.openFds() <= baseline.openFds() + SettledPair.FD_SLACK
                  && now.threads() <= baseline.threads() + SettledPair.THREAD_SLACK,
          Duration.ofSeconds(10),
          "ha4j back to " + baseline);
      assertThat(ProcessResources.cpuShareOver(ha4j.pid(), SettledPair.IDLE_WINDOW))
          .as("ha4j idle CPU share")
          .isLessThan(SettledPair.IDLE_CPU_SHARE);
      SettledPair.assertQuietLogs("loss and partition with keepalived", ha4j, ha4j.since(mark));
      ha4j.stopGracefully();
    }
  }
}
