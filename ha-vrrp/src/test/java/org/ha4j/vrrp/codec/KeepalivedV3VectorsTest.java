package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers for VRRPv3: every advertisement keepalived 2.2.7 sent in
 * keepalived-2.2.7-v3-adverts.txt (IPv4 and IPv6, multicast and unicast, master and resign) decodes
 * to its configuration, with the version taken from the packet, and re-encodes byte for byte.
 */
class KeepalivedV3VectorsTest {

  /** One line of the capture. */
  record V3Vector(
      String role, int vrid, int priority, String source, String destination, byte[] packet) {
    boolean ipv6() {
      return source.contains(":");
    }

    @Override
    public String toString() {
      return role + " VRID " + vrid + " " + source + " -> " + destination;
    }
  }

  /** The capture's configuration: VRID to interval (centiseconds) and virtual addresses. */
  private static final Map<Integer, Integer> INTERVAL_CS = Map.of(51, 10, 52, 100, 61, 5, 62, 250);

  private static final Map<Integer, List<String>> VIPS =
      Map.of(
          51, List.of("10.200.0.100"),
          52, List.of("10.200.0.101", "10.200.0.102"),
          61, List.of("fd00:200::100"),
          62, List.of("fd00:200::101", "fd00:200::102"));

  static List<V3Vector> vectors() {
    try (InputStream in =
        KeepalivedV3VectorsTest.class.getResourceAsStream("keepalived-2.2.7-v3-adverts.txt")) {
      if (in == null) {
        throw new IllegalStateException("keepalived-2.2.7-v3-adverts.txt is missing");
      }
      List<V3Vector> vectors = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split("\t");
        vectors.add(
            new V3Vector(
                f[0],
                Integer.parseInt(f[1]),
                Integer.parseInt(f[2]),
                f[3],
                f[4],
                HexFormat.of().parseHex(f[5])));
      }
      return vectors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theCaptureHoldsBothFamiliesBothDestinationsAndBothRoles() {
    assertThat(vectors()).hasSize(8);
    assertThat(vectors()).extracting(V3Vector::vrid).containsOnly(51, 52, 61, 62);
    assertThat(vectors()).extracting(V3Vector::role).containsOnly("master", "resign");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesToTheConfigurationAndReencodesByteForByte(V3Vector vector) {
    byte[] packet = vector.packet();
    List<String> vips = VIPS.get(vector.vrid());
    if (vector.ipv6()) {
      VrrpDecodeResult result =
          VrrpDecoder.decodeIpv6(
              packet,
              0,
              packet.length,
              ReceiveExpectations.builder().anyVersion().requireTtl255(false).build());
      // keepalived 2.2.7 sends IPv6 unicast adverts with hop limit 64 (the capture shows it)
      assertThat(accepted(result).hopLimit())
          .isEqualTo(vector.destination().equals("ff02::12") ? 255 : 64);
      assertThat(result).isInstanceOf(VrrpDecodeResult.AcceptedIpv6.class);
      VrrpDecodeResult.AcceptedIpv6 accepted = (VrrpDecodeResult.AcceptedIpv6) result;
      VrrpIpv6Advertisement expected =
          new VrrpIpv6Advertisement(
              vector.vrid(),
              vector.priority(),
              INTERVAL_CS.get(vector.vrid()),
              vips.stream().map(IpAddress::parse).toList());
      assertThat(accepted.advertisement()).isEqualTo(expected);
      assertThat(accepted.source()).isEqualTo(IpAddress.parse(vector.source()));
      assertThat(accepted.destination()).isEqualTo(IpAddress.parse(vector.destination()));
      assertThat(accepted.trafficClass()).isEqualTo(0xc0);
      byte[] again =
          VrrpEncoder.encodeIpv6Packet(
              expected,
              accepted.source(),
              accepted.destination(),
              accepted.hopLimit(),
              accepted.flowLabel());
      assertThat(HexFormat.of().formatHex(again)).isEqualTo(HexFormat.of().formatHex(packet));
    } else {
      VrrpDecodeResult result =
          VrrpDecoder.decode(
              packet, ReceiveExpectations.builder().anyVersion().requireTtl255(true).build());
      assertThat(result).isInstanceOf(VrrpDecodeResult.Accepted.class);
      VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) result;
      VrrpAdvertisement expected =
          VrrpAdvertisement.v3(
              vector.vrid(),
              vector.priority(),
              INTERVAL_CS.get(vector.vrid()),
              vips.stream().map(Ipv4Address::parse).toList());
      assertThat(accepted.advertisement()).isEqualTo(expected);
      assertThat(accepted.advertisement().version()).isEqualTo(3);
      assertThat(accepted.source()).isEqualTo(Ipv4Address.parse(vector.source()));
      assertThat(accepted.destination()).isEqualTo(Ipv4Address.parse(vector.destination()));
      int identification = ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
      byte[] again =
          VrrpEncoder.encodePacket(
              expected, accepted.source(), accepted.destination(), identification);
      assertThat(HexFormat.of().formatHex(again)).isEqualTo(HexFormat.of().formatHex(packet));
    }
  }

  private static VrrpDecodeResult.AcceptedIpv6 accepted(VrrpDecodeResult result) {
    assertThat(result).isInstanceOf(VrrpDecodeResult.AcceptedIpv6.class);
    return (VrrpDecodeResult.AcceptedIpv6) result;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void aVrrpv2RouterRejectsEveryOneAsTheOtherVersion(V3Vector vector) {
    byte[] packet = vector.packet();
    VrrpDecodeResult result =
        vector.ipv6()
            ? VrrpDecoder.decodeIpv6(packet, 0, packet.length, ReceiveExpectations.permissive())
            : VrrpDecoder.decode(packet, ReceiveExpectations.permissive());
    // a mixed group: named, so it is counted and logged rather than each side silently ignoring
    // the other
    assertThat(result)
        .isEqualTo(new VrrpDecodeResult.Rejected(VrrpRejectReason.VERSION_NOT_2, 3, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void theChecksumCoversThePseudoHeader(V3Vector vector) {
    // The same packet sent to another destination must fail: the destination is in the checksum.
    byte[] packet = vector.packet().clone();
    int destinationOffset = vector.ipv6() ? 24 + 15 : 16 + 3;
    packet[destinationOffset] ^= 0x01;
    if (!vector.ipv6()) {
      TestPackets.fixIpChecksum(packet);
    }
    VrrpDecodeResult result =
        vector.ipv6()
            ? VrrpDecoder.decodeIpv6(
                packet, 0, packet.length, ReceiveExpectations.builder().version(3).build())
            : VrrpDecoder.decode(packet, ReceiveExpectations.builder().version(3).build());
    assertThat(result).isInstanceOf(VrrpDecodeResult.Rejected.class);
    assertThat(((VrrpDecodeResult.Rejected) result).reason())
        .isEqualTo(VrrpRejectReason.CHECKSUM_BAD);
  }
}
