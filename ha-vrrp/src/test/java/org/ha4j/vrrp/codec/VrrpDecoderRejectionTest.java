package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.vrrp.codec.TestPackets.seedMaster;
import static org.ha4j.vrrp.codec.TestPackets.withIpByte;
import static org.ha4j.vrrp.codec.TestPackets.withVrrpByte;
import static org.ha4j.vrrp.codec.VrrpRejectReason.ADDRESS_LIST_MISMATCH;
import static org.ha4j.vrrp.codec.VrrpRejectReason.ADVERT_INTERVAL_INVALID;
import static org.ha4j.vrrp.codec.VrrpRejectReason.ADVERT_INTERVAL_MISMATCH;
import static org.ha4j.vrrp.codec.VrrpRejectReason.AUTH_TYPE_MISMATCH;
import static org.ha4j.vrrp.codec.VrrpRejectReason.AUTH_TYPE_UNKNOWN;
import static org.ha4j.vrrp.codec.VrrpRejectReason.CHECKSUM_BAD;
import static org.ha4j.vrrp.codec.VrrpRejectReason.CHECKSUM_WITHOUT_PSEUDO_HEADER;
import static org.ha4j.vrrp.codec.VrrpRejectReason.CHECKSUM_WITH_PSEUDO_HEADER;
import static org.ha4j.vrrp.codec.VrrpRejectReason.IP_HEADER_CHECKSUM_BAD;
import static org.ha4j.vrrp.codec.VrrpRejectReason.IP_HEADER_LENGTH_INVALID;
import static org.ha4j.vrrp.codec.VrrpRejectReason.IP_TOTAL_LENGTH_MISMATCH;
import static org.ha4j.vrrp.codec.VrrpRejectReason.IP_VERSION_NOT_4;
import static org.ha4j.vrrp.codec.VrrpRejectReason.IP_VERSION_NOT_6;
import static org.ha4j.vrrp.codec.VrrpRejectReason.LOCAL_ROUTER_IS_OWNER;
import static org.ha4j.vrrp.codec.VrrpRejectReason.MAX_ADVERT_INTERVAL_INVALID;
import static org.ha4j.vrrp.codec.VrrpRejectReason.PASSWORD_MISMATCH;
import static org.ha4j.vrrp.codec.VrrpRejectReason.PROTOCOL_NOT_VRRP;
import static org.ha4j.vrrp.codec.VrrpRejectReason.TTL_NOT_255;
import static org.ha4j.vrrp.codec.VrrpRejectReason.TYPE_NOT_ADVERTISEMENT;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VERSION_NOT_2;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VERSION_NOT_3;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VERSION_UNKNOWN;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VRID_INVALID;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VRID_NOT_CONFIGURED;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VRRP_TOO_LONG;
import static org.ha4j.vrrp.codec.VrrpRejectReason.VRRP_TRUNCATED;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per {@link VrrpRejectReason}: the seed advert (or another captured one) with exactly one
 * thing wrong is rejected for exactly that reason, with the values it carries. A separate test
 * checks that the table has a case for every reason, so a new reason cannot go untested. After the
 * table, the behaviours around the rules: what must still be accepted.
 */
class VrrpDecoderRejectionTest {

  /** How LB2 of the seed deployment receives LB1's adverts. */
  private static final ReceiveExpectations LB2 =
      ReceiveExpectations.builder()
          .virtualRouterId(51)
          .authentication(VrrpAuthentication.password("1111"))
          .advertIntervalSeconds(1)
          .addresses(List.of(Ipv4Address.parse("10.201.0.100")))
          .build();

  private static final ReceiveExpectations ANY = ReceiveExpectations.permissive();

  private static final ReceiveExpectations V3 = ReceiveExpectations.builder().version(3).build();

  record Case(
      VrrpRejectReason reason,
      String what,
      byte[] packet,
      ReceiveExpectations expectations,
      int actual,
      int expected,
      boolean ipv6) {

    Case(
        VrrpRejectReason reason,
        String what,
        byte[] packet,
        ReceiveExpectations expectations,
        int actual,
        int expected) {
      this(reason, what, packet, expectations, actual, expected, false);
    }

    VrrpDecodeResult decode() {
      return ipv6
          ? VrrpDecoder.decodeIpv6(packet, 0, packet.length, expectations)
          : VrrpDecoder.decode(packet, expectations);
    }

    @Override
    public String toString() {
      return reason + ": " + what;
    }
  }

  static Stream<Case> oneCasePerReason() {
    byte[] noauth = TestPackets.vector("noauth-master").packet();
    byte[] withIpId1Flipped = seedMaster();
    withIpId1Flipped[4] ^= 0x01; // identification changed, header checksum left stale
    byte[] withVrrpChecksumFlipped = seedMaster();
    withVrrpChecksumFlipped[TestPackets.VRRP + 7] ^= 0x01;
    return Stream.of(
        new Case(
            IP_VERSION_NOT_4,
            "an IPv6 version nibble",
            withIpByte(seedMaster(), 0, 0x65),
            ANY,
            6,
            4),
        new Case(
            IP_HEADER_LENGTH_INVALID,
            "IHL 4 (16 bytes)",
            withIpByte(seedMaster(), 0, 0x44),
            ANY,
            16,
            40),
        new Case(
            TTL_NOT_255,
            "TTL 64: sent from off the link",
            withIpByte(seedMaster(), 8, 64),
            ANY,
            64,
            255),
        new Case(
            IP_TOTAL_LENGTH_MISMATCH,
            "the last byte was not received",
            Arrays.copyOf(seedMaster(), 39),
            ANY,
            40,
            39),
        new Case(
            IP_HEADER_CHECKSUM_BAD,
            "IP header changed in transit",
            withIpId1Flipped,
            ANY,
            0xcfbf,
            0xcebf),
        new Case(
            PROTOCOL_NOT_VRRP, "protocol 51 (AH)", withIpByte(seedMaster(), 9, 51), ANY, 51, 112),
        new Case(
            VERSION_NOT_2,
            "a VRRPv3 version nibble",
            withVrrpByte(seedMaster(), 0, 0x31),
            ANY,
            3,
            2),
        new Case(TYPE_NOT_ADVERTISEMENT, "type 2", withVrrpByte(seedMaster(), 0, 0x22), ANY, 2, 1),
        new Case(
            VRRP_TRUNCATED,
            "without its 8 authentication bytes (the Floodlight mistake)",
            TestPackets.withTotalLengthOfArray(Arrays.copyOf(seedMaster(), 32)),
            ANY,
            12,
            20),
        new Case(
            VRRP_TOO_LONG,
            "count 0 but an address follows",
            withVrrpByte(seedMaster(), 3, 0),
            ANY,
            20,
            16),
        new Case(
            CHECKSUM_BAD, "checksum bit flipped", withVrrpChecksumFlipped, ANY, 0x0c3a, 0x0c3b),
        new Case(VRID_INVALID, "VRID 0", withVrrpByte(seedMaster(), 1, 0), ANY, 0, 1),
        new Case(
            ADVERT_INTERVAL_INVALID, "interval 0 s", withVrrpByte(seedMaster(), 5, 0), ANY, 0, 1),
        new Case(
            AUTH_TYPE_UNKNOWN, "auth type 2 (IP AH)", withVrrpByte(seedMaster(), 4, 2), ANY, 2, 1),
        new Case(
            VRID_NOT_CONFIGURED,
            "VRID 51 at a router serving 50 and 52",
            seedMaster(),
            ReceiveExpectations.builder().virtualRouterId(50).virtualRouterId(52).build(),
            51,
            0),
        new Case(
            LOCAL_ROUTER_IS_OWNER,
            "received by the owner of VRID 51",
            seedMaster(),
            ReceiveExpectations.builder().virtualRouterId(51).localAddressOwner(true).build(),
            51,
            255),
        new Case(
            AUTH_TYPE_MISMATCH,
            "no auth received, PASS configured",
            noauth,
            ReceiveExpectations.builder()
                .authentication(VrrpAuthentication.password("1111"))
                .build(),
            0,
            1),
        new Case(
            PASSWORD_MISMATCH,
            "1111 received, 1112 configured",
            seedMaster(),
            ReceiveExpectations.builder()
                .authentication(VrrpAuthentication.password("1112"))
                .build(),
            0,
            0),
        new Case(
            ADDRESS_LIST_MISMATCH,
            "10.201.0.100 received from priority 100, 10.201.0.200 configured",
            seedMaster(),
            ReceiveExpectations.builder()
                .addresses(List.of(Ipv4Address.parse("10.201.0.200")))
                .build(),
            1,
            1),
        new Case(
            ADVERT_INTERVAL_MISMATCH,
            "1 s received, 3 s configured",
            seedMaster(),
            ReceiveExpectations.builder().advertIntervalSeconds(3).build(),
            1,
            3),
        // ---- VRRPv3 (RFC 9568) ----
        new Case(
            IP_VERSION_NOT_6,
            "an IPv4 packet read as IPv6",
            TestPackets.v3Master(),
            V3,
            4,
            6,
            true),
        new Case(
            VERSION_NOT_3,
            "a VRRPv2 advert at a VRRPv3 router (mixed group)",
            seedMaster(),
            V3,
            2,
            3),
        new Case(
            VERSION_UNKNOWN,
            "version nibble 4 where either version is welcome",
            withVrrpByte(seedMaster(), 0, 0x41),
            ReceiveExpectations.permissiveAnyVersion(),
            4,
            3),
        new Case(
            CHECKSUM_WITHOUT_PSEUDO_HEADER,
            "a VRRPv3 checksum computed the VRRPv2 way",
            TestPackets.fixVrrpChecksum(TestPackets.v3Master()),
            V3,
            0x5f95,
            0x7434),
        new Case(
            CHECKSUM_WITH_PSEUDO_HEADER,
            "a VRRPv2 checksum computed the VRRPv3 way",
            TestPackets.fixV3Checksum(seedMaster()),
            ANY,
            0x20d1,
            0x0c3b),
        new Case(
            MAX_ADVERT_INTERVAL_INVALID,
            "Max Adver Int 0 cs",
            TestPackets.withV3Byte(TestPackets.withV3Byte(TestPackets.v3Master(), 4, 0), 5, 0),
            V3,
            0,
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneCasePerReason")
  void rejectedForExactlyThisReason(Case c) {
    assertThat(c.decode())
        .isEqualTo(new VrrpDecodeResult.Rejected(c.reason(), c.actual(), c.expected()));
  }

  @Test
  void everyReasonHasACase() {
    assertThat(oneCasePerReason().map(Case::reason))
        .containsExactlyInAnyOrder(VrrpRejectReason.values());
  }

  @Test
  void theUnmodifiedSeedAdvertIsAccepted() {
    assertThat(VrrpDecoder.decode(seedMaster(), LB2).isAccepted()).isTrue();
  }

  // ---- more ways to break the same rules ----

  @Test
  void ipHeaderLengthBeyondTheBytesReceived() {
    assertRejected(Arrays.copyOf(seedMaster(), 12), ANY, IP_HEADER_LENGTH_INVALID, 20, 12);
    assertRejected(new byte[0], ANY, IP_HEADER_LENGTH_INVALID, 0, 0);
  }

  @Test
  void ipTotalLengthShorterThanReceivedBeyondEthernetPadding() {
    byte[] noauth =
        TestPackets.vector("noauth-master").packet(); // 48 bytes: longer than any padded payload
    assertRejected(Arrays.copyOf(noauth, noauth.length + 2), ANY, IP_TOTAL_LENGTH_MISMATCH, 48, 50);
  }

  @Test
  void ipTotalLengthShorterThanItsHeader() {
    assertRejected(withIpByte(seedMaster(), 3, 16), ANY, IP_TOTAL_LENGTH_MISMATCH, 16, 40);
  }

  @Test
  void vrrpTruncatedBeforeTheFixedHeaderEnds() {
    assertRejected(
        TestPackets.withTotalLengthOfArray(Arrays.copyOf(seedMaster(), 27)),
        ANY,
        VRRP_TRUNCATED,
        7,
        8);
  }

  @Test
  void vrrpTruncatedWhenTheCountPromisesMoreAddresses() {
    assertRejected(withVrrpByte(seedMaster(), 3, 2), ANY, VRRP_TRUNCATED, 20, 24);
  }

  @Test
  void unknownAuthTypesAboveTwo() {
    assertRejected(withVrrpByte(seedMaster(), 4, 200), ANY, AUTH_TYPE_UNKNOWN, 200, 1);
  }

  @Test
  void authTypePassReceivedWhereNoneIsConfigured() {
    ReceiveExpectations expectsNone =
        ReceiveExpectations.builder().authentication(VrrpAuthentication.none()).build();
    assertRejected(seedMaster(), expectsNone, AUTH_TYPE_MISMATCH, 1, 0);
  }

  @Test
  void addressCountMismatch() {
    ReceiveExpectations twoVips =
        ReceiveExpectations.builder()
            .addresses(
                List.of(Ipv4Address.parse("10.201.0.100"), Ipv4Address.parse("10.201.0.101")))
            .build();
    assertRejected(seedMaster(), twoVips, ADDRESS_LIST_MISMATCH, 1, 2);
  }

  @Test
  void aSocketServingSeveralRoutersLooksExpectationsUpByVrid() {
    byte[] seed = seedMaster();
    assertThat(VrrpDecoder.decode(seed, 0, seed.length, vrid -> vrid == 7 ? LB2 : null))
        .isEqualTo(new VrrpDecodeResult.Rejected(VRID_NOT_CONFIGURED, 51, 0));
    assertThat(
            VrrpDecoder.decode(seed, 0, seed.length, vrid -> vrid == 51 ? LB2 : null).isAccepted())
        .isTrue();
  }

  @Test
  void theRejectionTextNamesTheRuleButNeverThePassword() {
    VrrpDecodeResult.Rejected ttl =
        (VrrpDecodeResult.Rejected) VrrpDecoder.decode(withIpByte(seedMaster(), 8, 64), ANY);
    assertThat(ttl.reason().logText()).isEqualTo("TTL_NOT_255 (RFC 3768 §5.2.3/§7.1)");
    assertThat(ttl.toString()).isEqualTo("TTL_NOT_255 (RFC 3768 §5.2.3/§7.1) TTL 64, must be 255");

    ReceiveExpectations wrong =
        ReceiveExpectations.builder().authentication(VrrpAuthentication.password("1112")).build();
    VrrpDecodeResult.Rejected password =
        (VrrpDecodeResult.Rejected) VrrpDecoder.decode(seedMaster(), wrong);
    assertThat(password.toString())
        .doesNotContain("1111")
        .doesNotContain("1112")
        .startsWith("PASSWORD_MISMATCH (RFC 3768 §7.1) ");
    for (VrrpRejectReason reason : VrrpRejectReason.values()) {
      assertThat(reason.logText()).startsWith(reason.name() + " (RFC ");
      assertThat(reason.detail(1, 2)).isNotBlank();
    }
  }

  // ---- what must still be accepted ----

  @Test
  void theIpHeaderLengthIsReadNotAssumed() {
    // The seed advert with four NOP options (IHL 6): the VRRP message starts after 24 bytes.
    byte[] seed = seedMaster();
    byte[] withOptions = new byte[seed.length + 4];
    System.arraycopy(seed, 0, withOptions, 0, 20);
    Arrays.fill(withOptions, 20, 24, (byte) 1);
    System.arraycopy(seed, 20, withOptions, 24, seed.length - 20);
    withOptions[0] = 0x46;
    withOptions[3] = (byte) withOptions.length;
    TestPackets.fixIpChecksum(withOptions);
    VrrpDecodeResult result = VrrpDecoder.decode(withOptions, LB2);
    assertThat(result.isAccepted()).as("%s", result).isTrue();
  }

  @Test
  void ethernetPaddingAfterAShortDatagramIsTolerated() {
    byte[] padded =
        Arrays.copyOf(seedMaster(), VrrpWireFormat.ETHERNET_MIN_PAYLOAD); // 40 + 6 zero bytes
    assertThat(VrrpDecoder.decode(padded, LB2).isAccepted()).isTrue();
  }

  @Test
  void aUnicastReceiverMayWaiveTheTtlCheck() {
    ReceiveExpectations unicast = ReceiveExpectations.builder().requireTtl255(false).build();
    VrrpDecodeResult result = VrrpDecoder.decode(withIpByte(seedMaster(), 8, 64), unicast);
    assertThat(result.isAccepted()).isTrue();
    assertThat(((VrrpDecodeResult.Accepted) result).ttl()).isEqualTo(64);
  }

  @Test
  void onlyTheFirstEightPasswordCharactersCount() {
    byte[] eightChars =
        VrrpEncoder.encodePacket(
            new VrrpAdvertisement(51, 100, VrrpAuthentication.password("abcdefgh"), 1, List.of()),
            Ipv4Address.parse("10.201.0.10"),
            VrrpWireFormat.MULTICAST_GROUP,
            1);
    ReceiveExpectations longer =
        ReceiveExpectations.builder()
            .authentication(VrrpAuthentication.password("abcdefghIGNORED"))
            .build();
    assertThat(VrrpDecoder.decode(eightChars, longer).isAccepted()).isTrue();
  }

  @Test
  void anOwnersMismatchingAddressListIsAcceptedAndFlagged() {
    // RFC 3768 §7.1: "If the packet was not generated by the address owner ... MUST drop", else
    // continue.
    ReceiveExpectations otherVip =
        ReceiveExpectations.builder().addresses(List.of(Ipv4Address.parse("10.201.0.200"))).build();
    VrrpDecodeResult result = VrrpDecoder.decode(withVrrpByte(seedMaster(), 2, 255), otherVip);
    assertThat(result.isAccepted()).isTrue();
    assertThat(((VrrpDecodeResult.Accepted) result).ownerAddressListMismatch()).isTrue();
  }

  @Test
  void addressOrderDoesNotMatterButDuplicatesDo() {
    byte[] noauth = TestPackets.vector("noauth-master").packet();
    ReceiveExpectations reordered =
        ReceiveExpectations.builder()
            .addresses(
                List.of(
                    Ipv4Address.parse("10.201.0.103"),
                    Ipv4Address.parse("10.201.0.101"),
                    Ipv4Address.parse("10.201.0.102")))
            .build();
    VrrpDecodeResult result = VrrpDecoder.decode(noauth, reordered);
    assertThat(result.isAccepted()).isTrue();
    assertThat(((VrrpDecodeResult.Accepted) result).ownerAddressListMismatch()).isFalse();
    byte[] duplicated = withVrrpByte(noauth, 19, 0x65); // third address 10.201.0.103 -> .101 again
    assertRejected(duplicated, reordered, ADDRESS_LIST_MISMATCH, 3, 3);
  }

  private static void assertRejected(
      byte[] packet,
      ReceiveExpectations expectations,
      VrrpRejectReason reason,
      int actual,
      int expected) {
    assertThat(VrrpDecoder.decode(packet, expectations))
        .isEqualTo(new VrrpDecodeResult.Rejected(reason, actual, expected));
  }
}
