package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers: advertisements captured from keepalived 2.2.7 decode to its configuration and
 * re-encode exactly.
 */
class KeepalivedVectorsTest {

  private static final Ipv4Address LB = Ipv4Address.parse("10.201.0.10");

  static List<TestPackets.Vector> vectors() {
    return TestPackets.keepalivedVectors();
  }

  @Test
  void allFourCapturedPacketsAreThere() {
    assertThat(vectors())
        .extracting(TestPackets.Vector::label)
        .containsExactly("seed-master", "seed-resign", "noauth-master", "noauth-resign");
  }

  @Test
  void seedMasterDecodesToTheSeedConfiguration() {
    VrrpDecodeResult.Accepted accepted = accept("seed-master");
    assertThat(accepted.advertisement())
        .isEqualTo(
            new VrrpAdvertisement(
                51,
                100,
                VrrpAuthentication.password("1111"),
                1,
                List.of(Ipv4Address.parse("10.201.0.100"))));
    assertThat(accepted.source()).isEqualTo(LB);
    assertThat(accepted.destination()).isEqualTo(VrrpWireFormat.MULTICAST_GROUP);
    assertThat(accepted.ttl()).isEqualTo(255);
    assertThat(accepted.checksum()).isEqualTo(0x0c3b);
    assertThat(accepted.ownerAddressListMismatch()).isFalse();
  }

  @Test
  void seedResignIsThePriorityZeroAdvert() {
    VrrpDecodeResult.Accepted accepted = accept("seed-resign");
    assertThat(accepted.advertisement())
        .isEqualTo(accept("seed-master").advertisement().withPriority(0));
    assertThat(accepted.checksum()).isEqualTo(0x703b);
  }

  @Test
  void noauthMasterCarriesThreeAddressesAndZeroAuthData() {
    VrrpDecodeResult.Accepted accepted = accept("noauth-master");
    assertThat(accepted.advertisement())
        .isEqualTo(
            new VrrpAdvertisement(
                7,
                200,
                VrrpAuthentication.none(),
                2,
                List.of(
                    Ipv4Address.parse("10.201.0.101"),
                    Ipv4Address.parse("10.201.0.102"),
                    Ipv4Address.parse("10.201.0.103"))));
    assertThat(accepted.checksum()).isEqualTo(0xf565);
    assertThat(accept("noauth-resign").advertisement())
        .isEqualTo(accepted.advertisement().withPriority(0));
    assertThat(accept("noauth-resign").checksum()).isEqualTo(0xbd66);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void ourEncoderReproducesTheCapturedPacketByteForByte(TestPackets.Vector vector) {
    VrrpDecodeResult.Accepted accepted =
        (VrrpDecodeResult.Accepted)
            VrrpDecoder.decode(vector.packet(), ReceiveExpectations.permissive());
    byte[] encoded =
        VrrpEncoder.encodePacket(
            accepted.advertisement(),
            vector.sender(),
            vector.destination(),
            vector.ipIdentification());
    assertThat(encoded).isEqualTo(vector.packet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void ourMessageEncoderReproducesTheVrrpPart(TestPackets.Vector vector) {
    VrrpDecodeResult.Accepted accepted =
        (VrrpDecodeResult.Accepted)
            VrrpDecoder.decode(vector.packet(), ReceiveExpectations.permissive());
    byte[] message = VrrpEncoder.encodeMessage(accepted.advertisement());
    assertThat(message)
        .isEqualTo(java.util.Arrays.copyOfRange(vector.packet(), 20, vector.packet().length));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void theSenderIsTheIpSource(TestPackets.Vector vector) {
    assertThat(accept(vector.label()).source()).isEqualTo(vector.sender());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void aReceiverConfiguredLikeTheSenderAcceptsIt(TestPackets.Vector vector) {
    VrrpAdvertisement advert = accept(vector.label()).advertisement();
    ReceiveExpectations sameConfig = ReceiveExpectations.matching(advert.withPriority(90));
    assertThat(VrrpDecoder.decode(vector.packet(), sameConfig).isAccepted()).isTrue();
  }

  @Test
  void theSeedPasswordIsChecked() {
    ReceiveExpectations lb2 =
        ReceiveExpectations.builder()
            .virtualRouterId(51)
            .authentication(VrrpAuthentication.password("1111"))
            .advertIntervalSeconds(1)
            .addresses(List.of(Ipv4Address.parse("10.201.0.100")))
            .build();
    assertThat(VrrpDecoder.decode(TestPackets.seedMaster(), lb2).isAccepted()).isTrue();

    ReceiveExpectations wrongPassword =
        ReceiveExpectations.builder().authentication(VrrpAuthentication.password("2222")).build();
    assertThat(VrrpDecoder.decode(TestPackets.seedMaster(), wrongPassword))
        .isEqualTo(new VrrpDecodeResult.Rejected(VrrpRejectReason.PASSWORD_MISMATCH, 0, 0));
  }

  private static VrrpDecodeResult.Accepted accept(String label) {
    VrrpDecodeResult result =
        VrrpDecoder.decode(TestPackets.vector(label).packet(), ReceiveExpectations.permissive());
    assertThat(result).as(label).isInstanceOf(VrrpDecodeResult.Accepted.class);
    return (VrrpDecodeResult.Accepted) result;
  }
}
