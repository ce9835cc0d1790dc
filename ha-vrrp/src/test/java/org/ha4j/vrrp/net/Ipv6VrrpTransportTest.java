package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpRejectReason;
import org.junit.jupiter.api.Test;

/**
 * An IPv6 raw socket hands over the payload, the hop limit and the addresses apart; the rebuilt
 * packet must decode as the packet on the wire did, and keep the decoder's named rejections.
 */
class Ipv6VrrpTransportTest {

  /** keepalived 2.2.7 as master of VRID 61 (priority 150), from the v3 capture. */
  private static final byte[] ON_THE_WIRE =
      HexFormat.of()
          .parseHex(
              "6c0103b5001870fffe80000000000000000000fffe00000aff0200000000000000000000000000"
                  + "12313d960100053b93fd000200000000000000000000000100");

  private static final IpAddress SOURCE = IpAddress.parse("fe80::ff:fe00:a");
  private static final IpAddress GROUP = IpAddress.parse("ff02::12");

  private static VrrpDecodeResult receivedWithHopLimit(int hopLimit) {
    byte[] payload = Arrays.copyOfRange(ON_THE_WIRE, 40, ON_THE_WIRE.length);
    byte[] packet =
        Ipv6VrrpTransport.rebuildPacket(
            new RawIpv6Socket.Received(payload.length, SOURCE, GROUP, hopLimit), payload);
    return VrrpDecoder.decodeIpv6(
        packet,
        0,
        packet.length,
        ReceiveExpectations.builder()
            .version(3)
            .virtualRouterId(61)
            .ipv6Addresses(List.of(IpAddress.parse("fd00:200::100")))
            .requireTtl255(true)
            .build());
  }

  @Test
  void aKeepalivedAdvertRebuiltFromTheSocketsFieldsIsAccepted() {
    VrrpDecodeResult result = receivedWithHopLimit(255);
    assertThat(result).isInstanceOf(VrrpDecodeResult.AcceptedIpv6.class);
    VrrpDecodeResult.AcceptedIpv6 accepted = (VrrpDecodeResult.AcceptedIpv6) result;
    assertThat(accepted.source()).isEqualTo(SOURCE);
    assertThat(accepted.destination()).isEqualTo(GROUP);
    assertThat(accepted.advertisement().priority()).isEqualTo(150);
  }

  @Test
  void aHopLimitOtherThan255OrNoneReportedIsRejectedByName() {
    assertThat(((VrrpDecodeResult.Rejected) receivedWithHopLimit(254)).reason())
        .isEqualTo(VrrpRejectReason.TTL_NOT_255);
    assertThat(((VrrpDecodeResult.Rejected) receivedWithHopLimit(-1)).reason())
        .isEqualTo(VrrpRejectReason.TTL_NOT_255);
  }
}
