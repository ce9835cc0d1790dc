package org.ha4j.vrrp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;

/**
 * Packets for codec tests: the captured keepalived vectors, and edits that keep or break checksums.
 */
final class TestPackets {

  /** One line of keepalived-2.2.7-adverts.txt. */
  record Vector(String label, Ipv4Address sender, byte[] packet) {
    int ipIdentification() {
      return ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
    }

    Ipv4Address destination() {
      return Ipv4Address.ofBytes(packet, 16);
    }
  }

  static final int IP = 0;
  static final int VRRP = 20; // every vector and every packet built here has a 20-byte IP header

  private TestPackets() {}

  static List<Vector> keepalivedVectors() {
    try (InputStream in = TestPackets.class.getResourceAsStream("keepalived-2.2.7-adverts.txt")) {
      if (in == null) {
        throw new IllegalStateException(
            "keepalived-2.2.7-adverts.txt is missing from the test resources");
      }
      List<Vector> vectors = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.trim().split("\t");
        vectors.add(
            new Vector(
                fields[0], Ipv4Address.parse(fields[1]), HexFormat.of().parseHex(fields[2])));
      }
      return vectors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Vector vector(String label) {
    return keepalivedVectors().stream()
        .filter(v -> v.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no vector " + label));
  }

  /**
   * The seed deployment's master advert as keepalived sent it (VRID 51, priority 100, PASS 1111).
   */
  static byte[] seedMaster() {
    return vector("seed-master").packet();
  }

  /** A copy with one byte of the IP header changed and the header checksum recomputed. */
  static byte[] withIpByte(byte[] packet, int index, int value) {
    byte[] copy = packet.clone();
    copy[IP + index] = (byte) value;
    return fixIpChecksum(copy);
  }

  /** A copy with one byte of the VRRP message changed and the VRRP checksum recomputed. */
  static byte[] withVrrpByte(byte[] packet, int index, int value) {
    byte[] copy = packet.clone();
    copy[VRRP + index] = (byte) value;
    return fixVrrpChecksum(copy);
  }

  /** Recomputes the IPv4 header checksum over the header IHL announces. */
  static byte[] fixIpChecksum(byte[] packet) {
    int headerLength = (packet[0] & 0x0f) * 4;
    packet[10] = 0;
    packet[11] = 0;
    int checksum = InternetChecksum.compute(packet, 0, headerLength);
    packet[10] = (byte) (checksum >>> 8);
    packet[11] = (byte) checksum;
    return packet;
  }

  /** Recomputes the VRRP checksum over everything after a 20-byte IP header. */
  static byte[] fixVrrpChecksum(byte[] packet) {
    packet[VRRP + 6] = 0;
    packet[VRRP + 7] = 0;
    int checksum = InternetChecksum.compute(packet, VRRP, packet.length - VRRP);
    packet[VRRP + 6] = (byte) (checksum >>> 8);
    packet[VRRP + 7] = (byte) checksum;
    return packet;
  }

  /** keepalived 2.2.7's VRRPv3 master advert for VRID 51, priority 100, 0.1 s, over IPv4. */
  static byte[] v3Master() {
    return HexFormat.of()
        .parseHex("45c0002000060000ff70cfc30ac8000ae000001231336401000a74340ac80064");
  }

  /** A copy with one byte of the VRRPv3 message changed and its pseudo-header checksum fixed. */
  static byte[] withV3Byte(byte[] packet, int index, int value) {
    byte[] copy = packet.clone();
    copy[VRRP + index] = (byte) value;
    return fixV3Checksum(copy);
  }

  /** Recomputes the VRRPv3 checksum over the IPv4 pseudo-header and the message. */
  static byte[] fixV3Checksum(byte[] packet) {
    packet[VRRP + 6] = 0;
    packet[VRRP + 7] = 0;
    int length = packet.length - VRRP;
    long pseudo = InternetChecksum.pseudoHeaderSum(packet, 12, packet, 16, 4, 112, length);
    int checksum = InternetChecksum.compute(packet, VRRP, length, pseudo);
    packet[VRRP + 6] = (byte) (checksum >>> 8);
    packet[VRRP + 7] = (byte) checksum;
    return packet;
  }

  /** Sets the IPv4 Total Length to the array's length (fixing the header checksum). */
  static byte[] withTotalLengthOfArray(byte[] packet) {
    byte[] copy = packet.clone();
    copy[2] = (byte) (copy.length >>> 8);
    copy[3] = (byte) copy.length;
    return fixIpChecksum(copy);
  }

  static byte[] truncated(byte[] packet, int length) {
    return Arrays.copyOf(packet, length);
  }
}
