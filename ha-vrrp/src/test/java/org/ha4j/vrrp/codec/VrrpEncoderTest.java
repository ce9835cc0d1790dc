package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class VrrpEncoderTest {

  private static final Ipv4Address LB1 = Ipv4Address.parse("10.201.0.10");
  private static final VrrpAdvertisement SEED =
      new VrrpAdvertisement(
          51,
          100,
          VrrpAuthentication.password("1111"),
          1,
          List.of(Ipv4Address.parse("10.201.0.100")));

  @Test
  void theIpHeaderIsKeepalivedsAndTheMessageFollowsIt() {
    byte[] packet = VrrpEncoder.encodePacket(SEED, LB1, VrrpWireFormat.MULTICAST_GROUP, 0x1234);
    assertThat(packet).hasSize(40);
    assertThat(packet[0]).isEqualTo((byte) 0x45);
    assertThat(packet[1]).isEqualTo((byte) 0xc0);
    assertThat(Arrays.copyOfRange(packet, 2, 10))
        .containsExactly(0x00, 0x28, 0x12, 0x34, 0x00, 0x00, 0xff, 0x70);
    assertThat(InternetChecksum.verifies(packet, 0, 20)).isTrue();
    assertThat(Arrays.copyOfRange(packet, 20, 40)).isEqualTo(VrrpEncoder.encodeMessage(SEED));
  }

  @Test
  void aUnicastPeerIsTheDestination() {
    Ipv4Address peer = Ipv4Address.parse("10.201.0.11");
    byte[] packet = VrrpEncoder.encodePacket(SEED, LB1, peer, 7);
    assertThat(Ipv4Address.ofBytes(packet, 16)).isEqualTo(peer);
    VrrpDecodeResult.Accepted accepted =
        (VrrpDecodeResult.Accepted) VrrpDecoder.decode(packet, ReceiveExpectations.permissive());
    assertThat(accepted.destination()).isEqualTo(peer);
  }

  @Test
  void theAuthenticationDataIsAlwaysWrittenZeroWithoutAuth() {
    byte[] message =
        VrrpEncoder.encodeMessage(
            new VrrpAdvertisement(1, 100, VrrpAuthentication.none(), 1, List.of()));
    assertThat(message).hasSize(16);
    assertThat(Arrays.copyOfRange(message, 8, 16)).containsOnly(0);
  }

  @Test
  void theLargestAdvertFits() {
    List<Ipv4Address> many = Collections.nCopies(255, LB1);
    VrrpAdvertisement big = new VrrpAdvertisement(255, 255, VrrpAuthentication.none(), 255, many);
    byte[] packet = VrrpEncoder.encodePacket(big, LB1, VrrpWireFormat.MULTICAST_GROUP, 65535);
    assertThat(packet).hasSize(20 + 8 + 4 * 255 + 8);
    assertThat(VrrpDecoder.decode(packet, ReceiveExpectations.permissive()).isAccepted()).isTrue();
  }

  @Test
  void writingIntoABufferAllocatesNothingAndRespectsTheOffset() {
    byte[] buffer = new byte[50];
    Arrays.fill(buffer, (byte) 0x5a);
    int written = VrrpEncoder.encodePacket(SEED, LB1, VrrpWireFormat.MULTICAST_GROUP, 1, buffer, 5);
    assertThat(written).isEqualTo(40);
    assertThat(buffer[4]).isEqualTo((byte) 0x5a);
    assertThat(buffer[45]).isEqualTo((byte) 0x5a);
    assertThat(
            VrrpDecoder.decode(buffer, 5, 40, ReceiveExpectations.matching(SEED.withPriority(90)))
                .isAccepted())
        .isTrue();
  }

  @Test
  void misuseIsAnIllegalArgumentNamingTheRange() {
    assertThatThrownBy(
            () -> VrrpEncoder.encodePacket(SEED, LB1, VrrpWireFormat.MULTICAST_GROUP, 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0-65535");
    assertThatThrownBy(
            () ->
                VrrpEncoder.encodePacket(
                    SEED, LB1, VrrpWireFormat.MULTICAST_GROUP, 1, new byte[40], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 40 bytes");
    assertThatThrownBy(() -> VrrpEncoder.encodeMessage(SEED, new byte[19], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
