package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.ha4j.core.net.IpAddress;
import org.junit.jupiter.api.Test;

/** The unsolicited neighbour advertisement against RFC 4861 §4.4's layout, written out by hand. */
class NeighbourAdvertisementTest {

  @Test
  void isTypeCodeChecksumFlagsTargetAndTheTargetLinkLayerOption() {
    byte[] mac = HexFormat.of().parseHex("020000000a0b");
    String expected =
        "88" // type 136, Neighbor Advertisement
            + "00" // code 0
            + "0000" // checksum: the kernel fills it in on an ICMPv6 raw socket
            + "20000000" // R=0 S=0 O=1, then 29 reserved bits
            + "fd000200000000000000000000000100" // target: the VIP
            + "02" // option type 2: target link-layer address (§4.6.1)
            + "01" // length 1 (units of 8 bytes)
            + "020000000a0b"; // the interface's MAC
    assertThat(
            HexFormat.of()
                .formatHex(NeighbourAdvertisement.message(IpAddress.parse("fd00:200::100"), mac)))
        .isEqualTo(expected);
    assertThat(NeighbourAdvertisement.MESSAGE_LENGTH).isEqualTo(expected.length() / 2);
  }
}
