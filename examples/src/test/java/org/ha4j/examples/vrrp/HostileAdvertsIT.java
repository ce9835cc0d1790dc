package org.ha4j.examples.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.examples.vrrp.VrrpTestbed.awaitState;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.net.TestAdverts;
import org.ha4j.vrrp.net.WireTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile adverts from another host of the LAN, each claiming priority 254 so that accepting any
 * one of them would demote our MASTER: every one is dropped under its own reason, and nothing
 * changes.
 */
class HostileAdvertsIT {

  private static final List<Ipv4Address> VIPS = List.of(Ipv4Address.parse(VrrpTestbed.VIP));
  private VrrpTestbed bed;

  @BeforeEach
  void testbed() throws Exception {
    Privileges.assumeRoot("network namespaces and raw sockets");
    bed = new VrrpTestbed();
  }

  @AfterEach
  void teardown() {
    if (bed != null) {
      bed.close();
    }
  }

  private void inject(NetnsHost from, int ttl, byte[] message) throws Exception {
    from.run(
        NetnsHost.javaCommand(
                WireTool.class.getName(),
                "send",
                "eth0",
                Integer.toString(ttl),
                TestAdverts.hex(message),
                "3",
                "50")
            .toArray(String[]::new));
  }

  @Test
  void everyHostileAdvertIsCountedUnderItsReasonAndChangesNothing() throws Exception {
    NetnsProcess node = bed.startNode(bed.lb1, 100);
    awaitState(node, "MASTER", 1, Duration.ofSeconds(10));
    NetnsHost attacker = bed.lb2;

    byte[] good = TestAdverts.advert(51, 254, "1111", 1, VIPS);
    inject(attacker, 64, good);
    inject(attacker, 255, TestAdverts.withBadChecksum(good));
    inject(attacker, 255, TestAdverts.advert(51, 254, "guess", 1, VIPS));
    inject(attacker, 255, TestAdverts.advert(52, 254, "1111", 1, VIPS));
    inject(attacker, 255, TestAdverts.advert(51, 254, "1111", 2, VIPS));
    inject(attacker, 255, Arrays.copyOf(good, good.length - 8)); // auth data cut off
    inject(attacker, 255, TestAdverts.advert(51, 254, null, 1, VIPS));

    String out =
        node.awaitOutput(
            o ->
                o.contains("DROPPED TTL_NOT_255")
                    && o.contains("DROPPED CHECKSUM_BAD")
                    && o.contains("DROPPED PASSWORD_MISMATCH")
                    && o.contains("DROPPED VRID_NOT_CONFIGURED")
                    && o.contains("DROPPED ADVERT_INTERVAL_MISMATCH")
                    && o.contains("DROPPED VRRP_TRUNCATED")
                    && o.contains("DROPPED AUTH_TYPE_MISMATCH"),
            Duration.ofSeconds(10),
            "every hostile advert dropped");
    assertThat(out).contains("from 10.200.0.12");
    // Still MASTER, never left it, still holding the VIP.
    assertThat(VrrpTestbed.count(out, "-> ")).isEqualTo(2); // INITIALIZE -> BACKUP -> MASTER
    assertThat(bed.lb1.hasAddress(VIPS.get(0))).isTrue();

    node.signal("TERM");
    node.awaitExit(Duration.ofSeconds(10));
    String counters =
        node.output().lines().filter(l -> l.startsWith("COUNTERS")).findFirst().orElseThrow();
    assertThat(counters)
        .contains("received=0")
        .contains("TTL_NOT_255=3")
        .contains("CHECKSUM_BAD=3")
        .contains("PASSWORD_MISMATCH=3")
        .contains("VRID_NOT_CONFIGURED=3")
        .contains("ADVERT_INTERVAL_MISMATCH=3")
        .contains("VRRP_TRUNCATED=3")
        .contains("AUTH_TYPE_MISMATCH=3");
  }
}
