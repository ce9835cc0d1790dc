package org.ha4j.vrrp.codec;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * Writes VRRP advertisements: the bare VRRP message (RFC 3768 §5.3, RFC 9568 §5.2), or the whole
 * IPv4 or IPv6 packet built the way keepalived 2.2.7 builds it. Stateless and thread-safe; the IPv4
 * methods that take a target array allocate nothing.
 *
 * <p>A VRRPv3 checksum covers a pseudo-header made of the IP source and destination (RFC 9568
 * §5.2.8), so a VRRPv3 message cannot be written without them: use {@link
 * #encodeMessage(VrrpAdvertisement, Ipv4Address, Ipv4Address, byte[], int)} or a packet method.
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

  /** The length of the VRRP message for {@code advertisement}: 8 + 4n + 8 (VRRPv2), 8 + 4n (v3). */
  public static int messageLength(VrrpAdvertisement advertisement) {
    int count = advertisement.addresses().size();
    return advertisement.isV3()
        ? VrrpWireFormat.v3MessageLength(count, 4)
        : VrrpWireFormat.messageLength(count);
  }

  /** The length of the whole IPv4 packet for {@code advertisement}: 20 + the message. */
  public static int packetLength(VrrpAdvertisement advertisement) {
    return VrrpWireFormat.IPV4_HEADER_LENGTH + messageLength(advertisement);
  }

  /**
   * The VRRPv2 message alone (what follows the IP header), checksum included.
   *
   * @throws IllegalArgumentException for a VRRPv3 advert, whose checksum needs the IP addresses
   */
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
    if (advertisement.isV3()) {
      throw new IllegalArgumentException(
          "a VRRPv3 checksum covers the IP source and destination (RFC 9568 §5.2.8): use"
              + " encodeMessage(advertisement, source, destination, target, offset)");
    }
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
   * Writes the VRRP message of either version at {@code offset} and returns its length; {@code
   * source} and {@code destination} are the IPv4 addresses it will be sent with, which a VRRPv3
   * checksum covers (a VRRPv2 one ignores them).
   *
   * @throws IllegalArgumentException when {@code target} has fewer than {@link #messageLength}
   *     bytes there
   */
  public static int encodeMessage(
      VrrpAdvertisement advertisement,
      Ipv4Address source,
      Ipv4Address destination,
      byte[] target,
      int offset) {
    if (!advertisement.isV3()) {
      return encodeMessage(advertisement, target, offset);
    }
    int length = messageLength(advertisement);
    checkRoom(target, offset, length);
    List<Ipv4Address> addresses = advertisement.addresses();
    int position =
        writeV3Header(
            advertisement.virtualRouterId(),
            advertisement.priority(),
            addresses.size(),
            advertisement.advertIntervalCentis(),
            target,
            offset);
    for (int i = 0, n = addresses.size(); i < n; i++) {
      addresses.get(i).writeTo(target, position);
      position += 4;
    }
    long pseudo =
        (source.bits() >>> 16)
            + (source.bits() & 0xffff)
            + (destination.bits() >>> 16)
            + (destination.bits() & 0xffff)
            + VrrpWireFormat.IP_PROTOCOL
            + length;
    writeShort(
        target,
        offset + VrrpWireFormat.CHECKSUM_OFFSET,
        InternetChecksum.compute(target, offset, length, pseudo));
    return length;
  }

  /** Writes the 8 fixed bytes of a VRRPv3 message, checksum zero; returns the offset after them. */
  private static int writeV3Header(
      int virtualRouterId,
      int priority,
      int addressCount,
      int intervalCentis,
      byte[] target,
      int offset) {
    target[offset] = (byte) (VrrpWireFormat.VERSION_3 << 4 | VrrpWireFormat.TYPE_ADVERTISEMENT);
    target[offset + 1] = (byte) virtualRouterId;
    target[offset + 2] = (byte) priority;
    target[offset + 3] = (byte) addressCount;
    writeShort(target, offset + 4, intervalCentis); // the 4 reserved bits stay 0 (RFC 9568 §5.2.7)
    writeShort(target, offset + 6, 0);
    return offset + VrrpWireFormat.FIXED_HEADER_LENGTH;
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
    encodeMessage(
        advertisement, source, destination, target, offset + VrrpWireFormat.IPV4_HEADER_LENGTH);
    return length;
  }

  /** The length of the whole IPv6 packet for {@code advertisement}: 40 + 8 + 16n. */
  public static int packetLength(VrrpIpv6Advertisement advertisement) {
    return VrrpWireFormat.IPV6_HEADER_LENGTH
        + VrrpWireFormat.v3MessageLength(
            advertisement.addresses().size(), VrrpWireFormat.IPV6_ADDRESS_LENGTH);
  }

  /**
   * The whole IPv6 packet, as keepalived 2.2.7's kernel puts it on the wire: version 6, traffic
   * class 0xc0 (keepalived sets {@code IPV6_TCLASS} to internetwork control), the flow label, the
   * payload length, next header 112, the hop limit, the addresses, then the VRRPv3 message with its
   * IPv6 pseudo-header checksum (RFC 9568 §5.2.8).
   *
   * @param source the sender's link-local address for multicast (RFC 9568 §5.1.2.1), or the unicast
   *     source
   * @param destination {@link VrrpWireFormat#IPV6_MULTICAST_GROUP}, or a unicast peer
   * @param hopLimit 0-255: 255 by RFC 9568 §5.1.2.3; keepalived 2.2.7 sends unicast with 64
   * @param flowLabel 0-0xfffff, the kernel's choice when keepalived sends
   * @throws IllegalArgumentException when an address is not IPv6 or a number is out of range
   */
  public static byte[] encodeIpv6Packet(
      VrrpIpv6Advertisement advertisement,
      IpAddress source,
      IpAddress destination,
      int hopLimit,
      int flowLabel) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (!source.isIpv6() || !destination.isIpv6()) {
      throw new IllegalArgumentException(
          "an IPv6 advert needs IPv6 addresses, got " + source + " -> " + destination);
    }
    if (hopLimit < 0 || hopLimit > 255) {
      throw new IllegalArgumentException("hop limit must be 0-255, got " + hopLimit);
    }
    if (flowLabel < 0 || flowLabel > 0xfffff) {
      throw new IllegalArgumentException("flow label must be 0-0xfffff, got " + flowLabel);
    }
    int length = packetLength(advertisement);
    int messageLength = length - VrrpWireFormat.IPV6_HEADER_LENGTH;
    byte[] target = new byte[length];
    int versionClassFlow = 6 << 28 | VrrpWireFormat.TOS_INTERNETWORK_CONTROL << 20 | flowLabel;
    writeShort(target, 0, versionClassFlow >>> 16);
    writeShort(target, 2, versionClassFlow);
    writeShort(target, 4, messageLength);
    target[6] = (byte) VrrpWireFormat.IP_PROTOCOL;
    target[7] = (byte) hopLimit;
    System.arraycopy(source.toBytes(), 0, target, 8, 16);
    System.arraycopy(destination.toBytes(), 0, target, 24, 16);
    List<IpAddress> addresses = advertisement.addresses();
    int v = VrrpWireFormat.IPV6_HEADER_LENGTH;
    int position =
        writeV3Header(
            advertisement.virtualRouterId(),
            advertisement.priority(),
            addresses.size(),
            advertisement.maxAdvertIntervalCentis(),
            target,
            v);
    for (IpAddress address : addresses) {
      System.arraycopy(address.toBytes(), 0, target, position, 16);
      position += 16;
    }
    long pseudo =
        InternetChecksum.pseudoHeaderSum(
            target, 8, target, 24, 16, VrrpWireFormat.IP_PROTOCOL, messageLength);
    writeShort(
        target,
        v + VrrpWireFormat.CHECKSUM_OFFSET,
        InternetChecksum.compute(target, v, messageLength, pseudo));
    return target;
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
