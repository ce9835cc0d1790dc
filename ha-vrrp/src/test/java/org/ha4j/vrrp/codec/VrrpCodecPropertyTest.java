package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * Properties over random inputs, 100 000 cases each, from one seed printed on failure. Replay a
 * failure with {@code mvn -pl ha-vrrp -am test -Dtest=VrrpCodecPropertyTest
 * -Dha4j.codec.seed=SEED}.
 */
class VrrpCodecPropertyTest {

  private static final int CASES = 100_000;
  private static final long SEED = Long.getLong("ha4j.codec.seed", System.nanoTime());

  /** One random case; {@code index} counts from 0. */
  interface Property {
    void check(Random random, int index) throws Exception;
  }

  static void forAll(String name, int cases, Property property) {
    Random random = new Random(SEED);
    for (int i = 0; i < cases; i++) {
      try {
        property.check(random, i);
      } catch (Throwable t) {
        throw new AssertionError(
            name
                + " failed at case "
                + i
                + " with seed "
                + SEED
                + " (replay: -Dha4j.codec.seed="
                + SEED
                + "): "
                + t.getMessage(),
            t);
      }
    }
  }

  // ---- generators ----

  static VrrpAdvertisement randomAdvert(Random random, int maxAddresses) {
    int count =
        random.nextInt(5) < 4
            ? random.nextInt(Math.min(5, maxAddresses + 1))
            : random.nextInt(maxAddresses + 1);
    List<Ipv4Address> addresses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Ipv4Address address = Ipv4Address.ofBits(random.nextInt());
      // distinct, like a configured virtual_ipaddress list: a receiver compares the advert's count
      // and set
      // with its own, so a repeated random address would be a (correct) ADDRESS_LIST_MISMATCH
      if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    return new VrrpAdvertisement(
        1 + random.nextInt(255),
        random.nextInt(256),
        randomAuth(random),
        1 + random.nextInt(255),
        addresses);
  }

  static VrrpAuthentication randomAuth(Random random) {
    switch (random.nextInt(3)) {
      case 0:
        return VrrpAuthentication.none();
      case 1:
        StringBuilder password = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
          password.append((char) (' ' + 1 + random.nextInt(94)));
        }
        return VrrpAuthentication.password(password.toString());
      default:
        byte[] data = new byte[VrrpAuthentication.DATA_LENGTH];
        random.nextBytes(data);
        return VrrpAuthentication.fromWire(VrrpAuthentication.TYPE_SIMPLE_PASSWORD, data, 0);
    }
  }

  record Sent(
      VrrpAdvertisement advert,
      Ipv4Address source,
      Ipv4Address destination,
      int id,
      byte[] packet) {}

  static Sent randomPacket(Random random, int maxAddresses) {
    VrrpAdvertisement advert = randomAdvert(random, maxAddresses);
    Ipv4Address source = Ipv4Address.ofBits(random.nextInt());
    Ipv4Address destination =
        random.nextBoolean()
            ? VrrpWireFormat.MULTICAST_GROUP
            : Ipv4Address.ofBits(random.nextInt());
    int id = random.nextInt(0x10000);
    return new Sent(
        advert, source, destination, id, VrrpEncoder.encodePacket(advert, source, destination, id));
  }

  static ReceiveExpectations expecting(VrrpAdvertisement advert) {
    return ReceiveExpectations.builder()
        .virtualRouterId(advert.virtualRouterId())
        .authentication(advert.authentication())
        .advertIntervalSeconds(advert.advertIntervalSeconds())
        .addresses(advert.addresses())
        .build();
  }

  // ---- properties ----

  @Test
  void randomValidAdvertsRoundTrip() {
    forAll(
        "round trip",
        CASES,
        (random, i) -> {
          Sent sent = randomPacket(random, 255);
          VrrpDecodeResult result =
              VrrpDecoder.decode(sent.packet(), ReceiveExpectations.permissive());
          assertThat(result).isInstanceOf(VrrpDecodeResult.Accepted.class);
          VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) result;
          assertThat(accepted.advertisement()).isEqualTo(sent.advert());
          assertThat(accepted.source()).isEqualTo(sent.source());
          assertThat(accepted.destination()).isEqualTo(sent.destination());
          assertThat(accepted.ttl()).isEqualTo(255);
          assertThat(accepted.checksum())
              .isEqualTo(((sent.packet()[26] & 0xff) << 8) | (sent.packet()[27] & 0xff));
          assertThat(
                  VrrpEncoder.encodePacket(
                      accepted.advertisement(),
                      accepted.source(),
                      accepted.destination(),
                      sent.id()))
              .isEqualTo(sent.packet());

          // A receiver configured like the sender accepts it too, also from the middle of a larger
          // buffer.
          byte[] buffer = new byte[sent.packet().length + 64];
          random.nextBytes(buffer);
          int offset = random.nextInt(64);
          System.arraycopy(sent.packet(), 0, buffer, offset, sent.packet().length);
          VrrpDecodeResult inBuffer =
              VrrpDecoder.decode(buffer, offset, sent.packet().length, expecting(sent.advert()));
          assertThat(inBuffer).isEqualTo(accepted);
        });
  }

  @Test
  void shortDatagramsSurviveEthernetPadding() {
    forAll(
        "padding",
        CASES / 10,
        (random, i) -> {
          Sent sent = randomPacket(random, 1); // 36 or 40 bytes: Ethernet pads both
          byte[] padded =
              Arrays.copyOf(
                  sent.packet(),
                  sent.packet().length
                      + random.nextInt(
                          VrrpWireFormat.ETHERNET_MIN_PAYLOAD - sent.packet().length + 1));
          VrrpDecodeResult result = VrrpDecoder.decode(padded, ReceiveExpectations.permissive());
          assertThat(result.isAccepted()).as("%s", result).isTrue();
          assertThat(((VrrpDecodeResult.Accepted) result).advertisement()).isEqualTo(sent.advert());
        });
  }

  @Test
  void everyTruncationIsRejectedByName() {
    // Adverts of up to 8 addresses, each cut at every length: well over 100 000 truncated packets.
    int[] checked = {0};
    forAll(
        "truncation",
        CASES / 20,
        (random, i) -> {
          Sent sent = randomPacket(random, 8);
          byte[] packet = sent.packet();
          for (int cut = 0; cut < packet.length; cut++) {
            byte[] truncated = Arrays.copyOf(packet, cut);
            VrrpDecodeResult asReceived =
                VrrpDecoder.decode(truncated, ReceiveExpectations.permissive());
            VrrpRejectReason expected =
                cut < VrrpWireFormat.IPV4_HEADER_LENGTH
                    ? VrrpRejectReason.IP_HEADER_LENGTH_INVALID
                    : VrrpRejectReason.IP_TOTAL_LENGTH_MISMATCH;
            assertThat(asReceived)
                .as("cut at %d of %d", cut, packet.length)
                .isInstanceOfSatisfying(
                    VrrpDecodeResult.Rejected.class,
                    rejected -> assertThat(rejected.reason()).isEqualTo(expected));
            checked[0]++;
            if (cut >= VrrpWireFormat.IPV4_HEADER_LENGTH) {
              // The same cut with an IP header that agrees: the VRRP message itself is incomplete.
              VrrpDecodeResult consistent =
                  VrrpDecoder.decode(
                      TestPackets.withTotalLengthOfArray(truncated),
                      ReceiveExpectations.permissive());
              assertThat(consistent)
                  .as("cut at %d of %d, total length adjusted", cut, packet.length)
                  .isInstanceOfSatisfying(
                      VrrpDecodeResult.Rejected.class,
                      rejected ->
                          assertThat(rejected.reason()).isEqualTo(VrrpRejectReason.VRRP_TRUNCATED));
              checked[0]++;
            }
          }
        });
    assertThat(checked[0]).isGreaterThanOrEqualTo(CASES);
  }

  @Test
  void everySingleBitFlipIsDetected() {
    forAll(
        "bit flip",
        CASES,
        (random, i) -> {
          Sent sent = randomPacket(random, 16);
          byte[] flipped = sent.packet().clone();
          int bit = random.nextInt(flipped.length * 8);
          flipped[bit / 8] ^= (byte) (1 << (bit % 8));
          VrrpDecodeResult result = VrrpDecoder.decode(flipped, ReceiveExpectations.permissive());
          assertThat(result)
              .as("bit %d of %d bytes", bit, flipped.length)
              .isInstanceOf(VrrpDecodeResult.Rejected.class);
        });
  }

  @Test
  void everySingleBitFlipOfTheCapturedPacketsIsDetected() {
    for (TestPackets.Vector vector : TestPackets.keepalivedVectors()) {
      for (int bit = 0; bit < vector.packet().length * 8; bit++) {
        byte[] flipped = vector.packet().clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(VrrpDecoder.decode(flipped, ReceiveExpectations.permissive()))
            .as("%s bit %d", vector.label(), bit)
            .isInstanceOf(VrrpDecodeResult.Rejected.class);
      }
    }
  }

  @Test
  void randomGarbageNeverThrows() {
    ReceiveExpectations strict =
        expecting(
            new VrrpAdvertisement(
                51,
                100,
                VrrpAuthentication.password("1111"),
                1,
                List.of(Ipv4Address.parse("10.201.0.100"))));
    forAll(
        "garbage",
        CASES,
        (random, i) -> {
          byte[] buffer = new byte[random.nextInt(128)];
          random.nextBytes(buffer);
          if (buffer.length > 0 && random.nextBoolean()) {
            buffer[0] = 0x45; // reach past the first check more often
          }
          int offset = buffer.length == 0 ? 0 : random.nextInt(buffer.length);
          int length = random.nextInt(buffer.length - offset + 1);
          assertThat(VrrpDecoder.decode(buffer, offset, length, ReceiveExpectations.permissive()))
              .isNotNull();
          assertThat(VrrpDecoder.decode(buffer, strict)).isNotNull();
        });
  }

  @Test
  void mutatedPacketsWithRepairedChecksumsNeverThrowAndAcceptOnlyWhatTheBytesSay() {
    // Random bytes of a valid packet changed, then both checksums repaired, so the later checks
    // run.
    forAll(
        "mutation",
        CASES,
        (random, i) -> {
          byte[] packet = randomPacket(random, 4).packet();
          for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
            packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
          }
          if (random.nextInt(4) > 0 && (packet[0] & 0x0f) == 5) {
            TestPackets.fixIpChecksum(packet);
            TestPackets.fixVrrpChecksum(packet);
          }
          VrrpDecodeResult result = VrrpDecoder.decode(packet, ReceiveExpectations.permissive());
          if (result instanceof VrrpDecodeResult.Accepted accepted) {
            VrrpAdvertisement advert = accepted.advertisement();
            int v = TestPackets.VRRP;
            assertThat(packet[v] & 0xff).isEqualTo(0x21);
            assertThat(advert.virtualRouterId()).isEqualTo(packet[v + 1] & 0xff);
            assertThat(advert.priority()).isEqualTo(packet[v + 2] & 0xff);
            assertThat(advert.addresses()).hasSize(packet[v + 3] & 0xff);
            assertThat(advert.authentication().type())
                .isEqualTo(packet[v + 4] & 0xff)
                .isLessThanOrEqualTo(1);
            assertThat(advert.advertIntervalSeconds()).isEqualTo(packet[v + 5] & 0xff);
            assertThat(packet.length).isEqualTo(20 + VrrpEncoder.messageLength(advert));
            for (int a = 0; a < advert.addresses().size(); a++) {
              assertThat(advert.addresses().get(a))
                  .isEqualTo(Ipv4Address.ofBytes(packet, v + 8 + 4 * a));
            }
          } else {
            assertThat(result).isInstanceOf(VrrpDecodeResult.Rejected.class);
          }
        });
  }

  @Test
  void aCallersBadBoundsAreApiMisuseNotARejection() {
    byte[] packet = TestPackets.seedMaster();
    assertThatThrownBy(
            () -> VrrpDecoder.decode(packet, 1, packet.length, ReceiveExpectations.permissive()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("40-byte buffer");
    assertThatThrownBy(() -> VrrpDecoder.decode(packet, -1, 4, ReceiveExpectations.permissive()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
