package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.net.TransportConfig;
import org.junit.jupiter.api.Test;

/**
 * What the Linux instance hands its raw socket (the kernel adds the IPv4 header): for VRRPv3 the
 * message whose checksum covers that header's addresses, byte for byte what keepalived 2.2.7 sent
 * (keepalived-2.2.7-v3-adverts.txt, after the 20-byte IPv4 header).
 */
class AdvertMessageTest {

  private static final Ipv4Address SOURCE = Ipv4Address.parse("10.200.0.10");

  @Test
  void aMulticastV3MessageIsKeepalivedsByteForByte() {
    VrrpAdvertisement advert =
        VrrpAdvertisement.v3(51, 100, 10, List.of(Ipv4Address.parse("10.200.0.100")));
    TransportConfig multicast = new TransportConfig("eth0", 2, SOURCE, List.of());
    assertThat(
            HexFormat.of()
                .formatHex(
                    new AdvertMessages(null, multicast)
                        .messageTo(advert, VrrpWireFormat.MULTICAST_GROUP)))
        .isEqualTo("31336401000a74340ac80064");
  }

  @Test
  void aUnicastV3MessageIsCheckedAgainstItsPeer() {
    VrrpAdvertisement advert =
        VrrpAdvertisement.v3(
            52,
            200,
            100,
            List.of(Ipv4Address.parse("10.200.0.101"), Ipv4Address.parse("10.200.0.102")));
    TransportConfig unicast =
        new TransportConfig("eth0", 2, SOURCE, List.of(Ipv4Address.parse("10.200.0.11")));
    assertThat(
            HexFormat.of()
                .formatHex(
                    new AdvertMessages(null, unicast)
                        .messageTo(advert, unicast.unicastPeers().get(0))))
        .isEqualTo("3134c8020064d9e40ac800650ac80066");
  }
}
