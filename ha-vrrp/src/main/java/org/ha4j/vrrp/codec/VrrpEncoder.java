package org.ha4j.vrrp.codec;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * Writes VRRPv2 advertisements: the bare VRRP message (RFC 3768 §5.3), or the whole IPv4 packet
 * built the way keepalived 2.2.7 builds it for its {@code IP_HDRINCL} raw socket. Stateless and
 * thread-safe; the methods that take a target array allocate nothing.
 *
 * <p>The IPv4 header matches keepalived's {@code vrrp_build_ip4()} byte for byte: version 4, IHL 5,
 * TOS 0xc0 (internetwork control), no flags (DF clear) and fragment offset 0, TTL 255 (RFC 3768
 * §5.2.3), protocol 112 (§5.2.4). keepalived leaves the identification and the header checksum zero
 * for the kernel to fill in; this encoder takes the identification as an argument and computes the
 * checksum, so a packet it writes is complete on its own and equal to what keepalived's kernel put
 * on the wire.
 */
public final class VrrpEncoder {

  private VrrpEncoder() {}

  /** The length of the VRRP message for {@code advertisement}: 8 + 4n + 8. */
  public static int messageLength(VrrpAdvertisement advertisement) {
    return VrrpWireFormat.messageLength(advertisement.addresses().size());
  }

  /** The length of the whole IPv4 packet for {@code advertisement}: 20 + 8 + 4n + 8. */
  public static int packetLength(VrrpAdvertisement advertisement) {
    return VrrpWireFormat.IPV4_HEADER_LENGTH + messageLength(advertisement);
  }

  /** The VRRP message alone (what follows the IP header), checksum included. */
  public static byte[] encodeMessage(VrrpAdvertisement advertisement) {
    byte[] message = new byte[messageLength(advertisement)];
    encodeMessage(advertisement, message, 0);
    return message;
  }

  /**
   * Writes the VRRP message at {@code offset} and returns its length.
   *
   * @throws IllegalArgumentException when {@code target} has fewer than {@link #messageLength}
   *     bytes there
   */
  public static int encodeMessage(VrrpAdvertisement advertisement, byte[] target, int offset) {
    int length = messageLength(advertisement);
    checkRoom(target, offset, length);
    List<Ipv4Address> addresses = advertisement.addresses();
    VrrpAuthentication authentication = advertisement.authentication();
    target[offset] = (byte) (VrrpWireFormat.VERSION << 4 | VrrpWireFormat.TYPE_ADVERTISEMENT);
    target[offset + 1] = (byte) advertisement.virtualRouterId();
    target[offset + 2] = (byte) advertisement.priority();
    target[offset + 3] = (byte) addresses.size();
    target[offset + 4] = (byte) authentication.type();
    target[offset + 5] = (byte) advertisement.advertIntervalSeconds();
    target[offset + 6] = 0;
    target[offset + 7] = 0;
    int position = offset + VrrpWireFormat.FIXED_HEADER_LENGTH;
    for (int i = 0, n = addresses.size(); i < n; i++) {
      addresses.get(i).writeTo(target, position);
      position += 4;
    }
    // The 8 data bytes are written for every type: RFC 3768 §5.3.10 makes them part of every packet
    // (zero for type 0, as none() holds zeros).
    authentication.writeDataTo(target, position);
    writeShort(
        target,
        offset + VrrpWireFormat.CHECKSUM_OFFSET,
        InternetChecksum.compute(target, offset, length));
    return length;
  }

  /**
   * The whole IPv4 packet, as keepalived sends it.
   *
   * @param source the sender's primary address on the interface (RFC 3768 §5.2.1)
   * @param destination {@link VrrpWireFormat#MULTICAST_GROUP}, or a unicast peer
   * @param identification the IPv4 identification, 0-65535 (the kernel's choice when keepalived
   *     sends)
   */
  public static byte[] encodePacket(
      VrrpAdvertisement advertisement,
      Ipv4Address source,
      Ipv4Address destination,
      int identification) {
    byte[] packet = new byte[packetLength(advertisement)];
    encodePacket(advertisement, source, destination, identification, packet, 0);
    return packet;
  }

  /**
   * Writes the whole IPv4 packet at {@code offset} and returns its length; see {@link
   * #encodePacket(VrrpAdvertisement, Ipv4Address, Ipv4Address, int)}.
   *
   * @throws IllegalArgumentException when {@code identification} is outside 0-65535, or {@code
   *     target} has fewer than {@link #packetLength} bytes at {@code offset}
   */
  public static int encodePacket(
      VrrpAdvertisement advertisement,
      Ipv4Address source,
      Ipv4Address destination,
      int identification,
      byte[] target,
      int offset) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (identification < 0 || identification > 0xffff) {
      throw new IllegalArgumentException(
          "IP identification must be 0-65535, got " + identification);
    }
    int length = packetLength(advertisement);
    checkRoom(target, offset, length);
    target[offset] = 0x45; // version 4, IHL 5: keepalived sends no options
    target[offset + 1] = (byte) VrrpWireFormat.TOS_INTERNETWORK_CONTROL;
    writeShort(target, offset + 2, length);
    writeShort(target, offset + 4, identification);
    writeShort(target, offset + 6, 0); // flags and fragment offset: keepalived leaves DF clear
    target[offset + 8] = (byte) VrrpWireFormat.TTL;
    target[offset + 9] = (byte) VrrpWireFormat.IP_PROTOCOL;
    writeShort(target, offset + 10, 0);
    source.writeTo(target, offset + 12);
    destination.writeTo(target, offset + 16);
    writeShort(
        target,
        offset + 10,
        InternetChecksum.compute(target, offset, VrrpWireFormat.IPV4_HEADER_LENGTH));
    encodeMessage(advertisement, target, offset + VrrpWireFormat.IPV4_HEADER_LENGTH);
    return length;
  }

  private static void checkRoom(byte[] target, int offset, int length) {
    if (offset < 0 || offset > target.length - length) {
      throw new IllegalArgumentException(
          "need "
              + length
              + " bytes at offset "
              + offset
              + " of a "
              + target.length
              + "-byte array");
    }
  }

  private static void writeShort(byte[] target, int offset, int value) {
    target[offset] = (byte) (value >>> 8);
    target[offset + 1] = (byte) value;
  }
}
