package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpIpv6Advertisement;
import org.junit.jupiter.api.Test;

/** The core compares stand-ins as it would the real IPv6 addresses, and never sees one leak out. */
class Ipv6StandInsTest {

  private static final IpAddress SELF = IpAddress.parse("fe80::5");
  private static final IpCidr VIP = IpCidr.parse("fd00:200::100/64");
  private static final IpCidr VIP2 = IpCidr.parse("fd00:200::101");

  private final Ipv6StandIns standIns = new Ipv6StandIns(List.of(VIP, VIP2), List.of(), SELF);

  @Test
  void sourcesCompareWithOursAsTheRealAddressesDo() {
    IpAddress higher = IpAddress.parse("fe80::ff:fe00:a");
    IpAddress lower = IpAddress.parse("fe80::1");
    assertThat(standIns.source(SELF)).isEqualTo(Ipv6StandIns.SELF);
    assertThat(standIns.source(higher)).isGreaterThan(Ipv6StandIns.SELF);
    assertThat(standIns.source(lower)).isLessThan(Ipv6StandIns.SELF);
    assertThat(standIns.source(IpAddress.parse("fe80::ffff:ffff:ffff:ffff")))
        .isGreaterThan(Ipv6StandIns.SELF)
        .isNotEqualTo(standIns.source(higher));
    assertThat(standIns.source(higher)).isEqualTo(standIns.source(higher));
    assertThat(standIns.realSource(standIns.source(higher))).contains(higher);
    assertThat(standIns.realSource(Ipv6StandIns.SELF)).contains(SELF);
  }

  @Test
  void everNewSourcesCostNoMemoryAndStillCompareRight() {
    byte[] bytes = IpAddress.parse("fe80::").toBytes();
    for (int i = 0; i < 100_000; i++) {
      bytes[12] = (byte) (i >>> 16);
      bytes[13] = (byte) (i >>> 8);
      bytes[14] = (byte) i;
      bytes[15] = 9;
      IpAddress source = IpAddress.ofBytes(bytes);
      boolean above = java.util.Arrays.compareUnsigned(bytes, SELF.toBytes()) > 0;
      assertThat(standIns.source(source).compareTo(Ipv6StandIns.SELF) > 0).isEqualTo(above);
    }
    // only the most recent are remembered for display
    assertThat(standIns.realSource(standIns.source(IpAddress.parse("fe80::1")))).isPresent();
  }

  @Test
  void advertsGoOutWithTheRealVipsAndComeInAsStandIns() {
    VrrpAdvertisement core =
        VrrpAdvertisement.v3(
            51, 100, 10, standIns.virtualStandIns().stream().map(c -> c.address()).toList());
    VrrpIpv6Advertisement wire = standIns.toIpv6(core);
    assertThat(wire.addresses()).containsExactly(VIP.address(), VIP2.address());
    assertThat(standIns.real(standIns.virtualStandIns())).containsExactly(VIP, VIP2);

    IpAddress peer = IpAddress.parse("fe80::9");
    VrrpDecodeResult seen =
        standIns.toCoreView(
            new VrrpDecodeResult.AcceptedIpv6(
                wire.withPriority(90), peer, IpAddress.parse("ff02::12"), 255, 0, 0, 0, false));
    VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) seen;
    assertThat(accepted.source()).isEqualTo(standIns.source(peer));
    assertThat(accepted.advertisement().priority()).isEqualTo(90);
    assertThat(accepted.advertisement().isV3()).isTrue();
    assertThat(accepted.advertisement().addresses())
        .containsExactlyElementsOf(
            standIns.virtualStandIns().stream().map(c -> c.address()).toList());
  }
}
