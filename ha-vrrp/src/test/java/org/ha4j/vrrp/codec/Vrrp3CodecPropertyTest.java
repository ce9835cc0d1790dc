package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.vrrp.codec.VrrpCodecPropertyTest.forAll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * VRRPv3 codec properties over random adverts of both families, with the seeded harness of {@link
 * VrrpCodecPropertyTest} (replay a failure with {@code -Dha4j.codec.seed=SEED}): every interval
 * from 1 to 4095 cs and every address count round-trips byte for byte; the version comes from the
 * packet; a VRRPv2 receiver names the mismatch; a checksum computed without the pseudo-header, a
 * single flipped bit, or a cut anywhere is a named rejection.
 */
class Vrrp3CodecPropertyTest {

  private static final int CASES = 20_000;

  record Sent4(
      VrrpAdvertisement advert, Ipv4Address source, Ipv4Address destination, byte[] packet) {}

  record Sent6(
      VrrpIpv6Advertisement advert,
      IpAddress source,
      IpAddress destination,
      int hopLimit,
      int flowLabel,
      byte[] packet) {}

  private static int randomInterval(Random random) {
    // both ends of the 12-bit range often, the rest uniformly
    return switch (random.nextInt(4)) {
      case 0 -> 1 + random.nextInt(3);
      case 1 -> 4093 + random.nextInt(3);
      default -> 1 + random.nextInt(VrrpWireFormat.MAX_ADVERT_INTERVAL_CENTIS);
    };
  }

  private static int randomCount(Random random, int max) {
    return random.nextInt(5) < 4 ? random.nextInt(Math.min(5, max + 1)) : random.nextInt(max + 1);
  }

  static Sent4 randomIpv4(Random random, int maxAddresses) {
    Set<Ipv4Address> addresses = new LinkedHashSet<>();
    for (int i = 0, n = randomCount(random, maxAddresses); i < n; i++) {
      addresses.add(Ipv4Address.ofBits(random.nextInt()));
    }
    VrrpAdvertisement advert =
        VrrpAdvertisement.v3(
            1 + random.nextInt(255),
            random.nextInt(256),
            randomInterval(random),
            List.copyOf(addresses));
    Ipv4Address source = Ipv4Address.ofBits(random.nextInt());
    Ipv4Address destination =
        random.nextBoolean()
            ? VrrpWireFormat.MULTICAST_GROUP
            : Ipv4Address.ofBits(random.nextInt());
    return new Sent4(
        advert,
        source,
        destination,
        VrrpEncoder.encodePacket(advert, source, destination, random.nextInt(0x10000)));
  }

  private static IpAddress randomIpv6(Random random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return IpAddress.ofBytes(bytes);
  }

  static Sent6 randomIpv6(Random random, int maxAddresses) {
    Set<IpAddress> addresses = new LinkedHashSet<>();
    for (int i = 0, n = randomCount(random, maxAddresses); i < n; i++) {
      addresses.add(randomIpv6(random));
    }
    VrrpIpv6Advertisement advert =
        new VrrpIpv6Advertisement(
            1 + random.nextInt(255),
            random.nextInt(256),
            randomInterval(random),
            new ArrayList<>(addresses));
    IpAddress source = randomIpv6(random);
    IpAddress destination =
        random.nextBoolean() ? VrrpWireFormat.IPV6_MULTICAST_GROUP : randomIpv6(random);
    int hopLimit = random.nextBoolean() ? 255 : random.nextInt(256);
    int flowLabel = random.nextInt(0x100000);
    return new Sent6(
        advert,
        source,
        destination,
        hopLimit,
        flowLabel,
        VrrpEncoder.encodeIpv6Packet(advert, source, destination, hopLimit, flowLabel));
  }

  private static final ReceiveExpectations ANY_VERSION =
      ReceiveExpectations.builder().anyVersion().requireTtl255(false).build();

  @Test
  void ipv4AdvertsRoundTripWithTheVersionFromThePacket() {
    forAll(
        "v3 IPv4 round trip",
        CASES,
        (random, i) -> {
          Sent4 sent = randomIpv4(random, 255);
          VrrpDecodeResult result = VrrpDecoder.decode(sent.packet(), ANY_VERSION);
          assertThat(result).isInstanceOf(VrrpDecodeResult.Accepted.class);
          VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) result;
          assertThat(accepted.advertisement()).isEqualTo(sent.advert());
          assertThat(accepted.advertisement().version()).isEqualTo(3);
          assertThat(accepted.source()).isEqualTo(sent.source());
          assertThat(accepted.destination()).isEqualTo(sent.destination());
          int id = ((sent.packet()[4] & 0xff) << 8) | (sent.packet()[5] & 0xff);
          assertThat(
                  VrrpEncoder.encodePacket(
                      accepted.advertisement(), accepted.source(), accepted.destination(), id))
              .isEqualTo(sent.packet());
          // a receiver configured like the sender accepts it; a VRRPv2 one names the mismatch
          assertThat(VrrpDecoder.decode(sent.packet(), ReceiveExpectations.matching(sent.advert())))
              .isInstanceOf(
                  sent.advert().priority() == 255
                      ? VrrpDecodeResult.Rejected.class // the owner discards every advert
                      : VrrpDecodeResult.Accepted.class);
          assertThat(VrrpDecoder.decode(sent.packet(), ReceiveExpectations.permissive()))
              .isEqualTo(new VrrpDecodeResult.Rejected(VrrpRejectReason.VERSION_NOT_2, 3, 2));
        });
  }

  @Test
  void ipv6AdvertsRoundTrip() {
    forAll(
        "v3 IPv6 round trip",
        CASES,
        (random, i) -> {
          Sent6 sent = randomIpv6(random, 255);
          VrrpDecodeResult result =
              VrrpDecoder.decodeIpv6(sent.packet(), 0, sent.packet().length, ANY_VERSION);
          assertThat(result).isInstanceOf(VrrpDecodeResult.AcceptedIpv6.class);
          VrrpDecodeResult.AcceptedIpv6 accepted = (VrrpDecodeResult.AcceptedIpv6) result;
          assertThat(accepted.advertisement()).isEqualTo(sent.advert());
          assertThat(accepted.source()).isEqualTo(sent.source());
          assertThat(accepted.destination()).isEqualTo(sent.destination());
          assertThat(accepted.hopLimit()).isEqualTo(sent.hopLimit());
          assertThat(accepted.flowLabel()).isEqualTo(sent.flowLabel());
          assertThat(
                  VrrpEncoder.encodeIpv6Packet(
                      accepted.advertisement(),
                      accepted.source(),
                      accepted.destination(),
                      accepted.hopLimit(),
                      accepted.flowLabel()))
              .isEqualTo(sent.packet());
          if (sent.hopLimit() != 255) {
            assertThat(
                    VrrpDecoder.decodeIpv6(
                        sent.packet(),
                        0,
                        sent.packet().length,
                        ReceiveExpectations.builder().version(3).build()))
                .isEqualTo(
                    new VrrpDecodeResult.Rejected(
                        VrrpRejectReason.TTL_NOT_255, sent.hopLimit(), 255));
          }
        });
  }

  @Test
  void aChecksumComputedTheOtherWayIsNamed() {
    forAll(
        "checksum the other way",
        CASES,
        (random, i) -> {
          Sent4 sent = randomIpv4(random, 8);
          byte[] v2Style = TestPackets.fixVrrpChecksum(sent.packet().clone());
          long pseudo =
              InternetChecksum.pseudoHeaderSum(
                  sent.packet(), 12, sent.packet(), 16, 4, 112, sent.packet().length - 20);
          if (samePseudoSumAsNone(pseudo)) {
            return; // a pseudo-header summing to zero: both ways give one checksum
          }
          assertThat(VrrpDecoder.decode(v2Style, ANY_VERSION))
              .isInstanceOfSatisfying(
                  VrrpDecodeResult.Rejected.class,
                  r ->
                      assertThat(r.reason())
                          .isEqualTo(VrrpRejectReason.CHECKSUM_WITHOUT_PSEUDO_HEADER));

          VrrpCodecPropertyTest.Sent v2 = VrrpCodecPropertyTest.randomPacket(random, 8);
          byte[] v3Style = TestPackets.fixV3Checksum(v2.packet().clone());
          long v2Pseudo =
              InternetChecksum.pseudoHeaderSum(
                  v2.packet(), 12, v2.packet(), 16, 4, 112, v2.packet().length - 20);
          if (samePseudoSumAsNone(v2Pseudo)) {
            return;
          }
          assertThat(VrrpDecoder.decode(v3Style, ReceiveExpectations.permissive()))
              .isInstanceOfSatisfying(
                  VrrpDecodeResult.Rejected.class,
                  r ->
                      assertThat(r.reason())
                          .isEqualTo(VrrpRejectReason.CHECKSUM_WITH_PSEUDO_HEADER));
        });
  }

  /** Whether a pseudo-header sum adds nothing in one's complement (0 and 0xffff are both zero). */
  private static boolean samePseudoSumAsNone(long sum) {
    long folded = sum;
    while ((folded >>> 16) != 0) {
      folded = (folded & 0xffff) + (folded >>> 16);
    }
    return folded == 0 || folded == 0xffff;
  }

  @Test
  void everySingleBitFlipIsDetected() {
    ReceiveExpectations strict = ReceiveExpectations.builder().version(3).build();
    forAll(
        "v3 bit flip",
        CASES,
        (random, i) -> {
          Sent4 sent4 = randomIpv4(random, 16);
          byte[] flipped = sent4.packet().clone();
          int bit = random.nextInt(flipped.length * 8);
          flipped[bit / 8] ^= (byte) (1 << (bit % 8));
          assertThat(VrrpDecoder.decode(flipped, strict))
              .as("IPv4 bit %d of %d bytes", bit, flipped.length)
              .isInstanceOf(VrrpDecodeResult.Rejected.class);
          // IPv6 has no header checksum: the traffic class and flow label (bits 4-31) are covered
          // by nothing, as on the wire; everything from the payload length on is.
          Sent6 sent6 = randomIpv6(random, 16);
          byte[] flipped6 = sent6.packet().clone();
          int bit6 =
              random.nextBoolean()
                  ? random.nextInt(4)
                  : 32 + random.nextInt(flipped6.length * 8 - 32);
          flipped6[bit6 / 8] ^= (byte) (1 << (7 - bit6 % 8));
          if (bit6 / 8 == 7 && sent6.hopLimit() != 255) {
            return; // the hop limit of an unchecked unicast advert
          }
          assertThat(
                  VrrpDecoder.decodeIpv6(
                      flipped6,
                      0,
                      flipped6.length,
                      ReceiveExpectations.builder()
                          .version(3)
                          .requireTtl255(sent6.hopLimit() == 255)
                          .build()))
              .as("IPv6 bit %d of %d bytes", bit6, flipped6.length)
              .isInstanceOf(VrrpDecodeResult.Rejected.class);
        });
  }

  @Test
  void everyCutIsRejectedByName() {
    forAll(
        "v3 truncation",
        CASES / 20,
        (random, i) -> {
          Sent6 sent = randomIpv6(random, 4);
          byte[] packet = sent.packet();
          for (int cut = 0; cut < packet.length; cut++) {
            byte[] truncated = Arrays.copyOf(packet, cut);
            VrrpDecodeResult result = VrrpDecoder.decodeIpv6(truncated, 0, cut, ANY_VERSION);
            assertThat(result).as("cut at %d", cut).isInstanceOf(VrrpDecodeResult.Rejected.class);
            if (cut >= VrrpWireFormat.IPV6_HEADER_LENGTH + VrrpWireFormat.FIXED_HEADER_LENGTH) {
              // the same cut with a payload length that agrees: the address count is the lie
              truncated[4] = (byte) ((cut - 40) >>> 8);
              truncated[5] = (byte) (cut - 40);
              assertThat(VrrpDecoder.decodeIpv6(truncated, 0, cut, ANY_VERSION))
                  .as("cut at %d, payload length adjusted", cut)
                  .isInstanceOfSatisfying(
                      VrrpDecodeResult.Rejected.class,
                      r -> assertThat(r.reason()).isEqualTo(VrrpRejectReason.VRRP_TRUNCATED));
            }
          }
        });
  }

  @Test
  void garbageNeverThrows() {
    forAll(
        "v3 garbage",
        CASES,
        (random, i) -> {
          byte[] bytes =
              (random.nextBoolean()
                      ? randomIpv4(random, 4).packet()
                      : randomIpv6(random, 4).packet())
                  .clone();
          for (int n = random.nextInt(4); n >= 0; n--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
          }
          VrrpDecoder.decode(bytes, ANY_VERSION);
          VrrpDecoder.decodeIpv6(bytes, 0, bytes.length, ANY_VERSION);
        });
  }
}
