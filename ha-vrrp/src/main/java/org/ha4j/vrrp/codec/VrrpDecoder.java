package org.ha4j.vrrp.codec;

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
import java.util.Objects;
import java.util.function.IntFunction;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * Reads a received IPv4 packet and either accepts it as a VRRP advertisement, VRRPv2 or VRRPv3 as
 * its version nibble says, or names the rule it broke; {@link #decodeIpv6} does the same for an
 * IPv6 packet, which is always VRRPv3. Made for the receive path of a raw socket: it never throws
 * on any bytes, keeps no state (call it from any thread), and allocates only its result (plus the
 * advertisement's values when it accepts).
 *
 * <h2>Checks, in order</h2>
 *
 * First the packet itself, whoever it is for:
 *
 * <ol>
 *   <li>IPv4: version 4, IHL from the header (options allowed, 20 never assumed), Total Length
 *       against the bytes received (bytes after the datagram tolerated in a buffer of at most 46
 *       bytes, the payload of a minimum Ethernet frame: keepalived tolerates such padding since
 *       2.3.2, 2.2.7 wanted the exact length; Linux trims raw-socket packets to Total Length
 *       anyway), header checksum, protocol 112;
 *   <li>VRRP (RFC 3768 §5.3, §7.1): complete fixed header, version 2, type 1, the complete message
 *       of 8 + 4n + 8 bytes and no more, checksum, VRID not 0, interval not 0, auth type 0 or 1;
 * </ol>
 *
 * The version must be the one the receiver speaks ({@link ReceiveExpectations#version()}): a router
 * of the other version on the same VRID is a named rejection, never an advert ignored silently. A
 * VRRPv3 message (RFC 9568 §5.2, §7.1) has no authentication data, a 12-bit interval in
 * centiseconds, and a checksum over the IPv4 or IPv6 pseudo-header; a checksum that verifies only
 * the other version's way is named as such.
 *
 * <p>Then this receiver's {@link ReceiveExpectations} (RFC 3768 §7.1 order): VRID configured, TTL
 * 255, local router not the owner, auth type, password (constant time), address list (dropped only
 * when the sender's priority is not 255), advertisement interval (VRRPv2 only: a VRRPv3 backup
 * learns the master's).
 *
 * <h2>The address list: RFC 3768, not keepalived 2.2.7</h2>
 *
 * keepalived 2.2.7 drops an advert whose address count or list differs from its configuration
 * whatever the sender's priority (unless {@code skip_check_adv_addr} applies); keepalived 2.3.3 and
 * later no longer drop it at all (commit af103930, following RFC 9568). ha4j follows RFC 3768 §7.1:
 * it drops the advert unless the sender is the owner (priority 255), whose advert is accepted with
 * {@link VrrpDecodeResult.Accepted#ownerAddressListMismatch()} set so the caller can log the
 * misconfiguration. Between ha4j and keepalived 2.2.7 the only difference is an owner's mismatching
 * advert, which keepalived ignores and ha4j obeys.
 */
public final class VrrpDecoder {

  private static final int IP_VERSION = 4;

  private VrrpDecoder() {}

  /**
   * True when the IPv4 packet in the first {@code packetLength} bytes of {@code packet} (a receive
   * buffer) is the one in the first {@code previousLength} bytes of {@code previous} again: every
   * byte equal but the Identification and the header checksum (which the sender's kernel changes
   * per packet), and the header checksum still verifies. Such a packet decodes exactly as the
   * previous one did, so a receiver may reuse that result instead of decoding it again. Allocates
   * nothing.
   */
  public static boolean repeats(
      byte[] previous, int previousLength, byte[] packet, int packetLength) {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(packet, "packet");
    if (packetLength != previousLength
        || packetLength > packet.length
        || previousLength < VrrpWireFormat.IPV4_HEADER_LENGTH
        || previousLength > previous.length) {
      return false;
    }
    int headerLength = (u8(packet, 0) & 0x0f) * 4;
    return Arrays.equals(previous, 0, 4, packet, 0, 4)
        && Arrays.equals(previous, 6, 10, packet, 6, 10)
        && Arrays.equals(previous, 12, previousLength, packet, 12, previousLength)
        && headerLength >= VrrpWireFormat.IPV4_HEADER_LENGTH
        && headerLength <= previousLength
        && InternetChecksum.verifies(packet, 0, headerLength);
  }

  /** Decodes the whole array as one IPv4 packet. */
  public static VrrpDecodeResult decode(byte[] packet, ReceiveExpectations expectations) {
    return decode(packet, 0, packet.length, expectations);
  }

  /**
   * Decodes the {@code length} bytes at {@code offset} as one IPv4 packet (as read from a raw
   * {@code IPPROTO_VRRP} socket: IP header included), checked against {@code expectations}.
   *
   * @throws IllegalArgumentException when {@code offset}/{@code length} do not lie within {@code
   *     buffer} (a caller's bug, not the packet's)
   */
  public static VrrpDecodeResult decode(
      byte[] buffer, int offset, int length, ReceiveExpectations expectations) {
    Objects.requireNonNull(expectations, "expectations");
    checkBounds(buffer, offset, length);
    return decodeChecked(buffer, offset, length, expectations, null);
  }

  /**
   * Decodes one IPv4 packet for a socket that serves several virtual routers with different
   * settings: once the packet is known to be a well-formed advertisement, {@code
   * expectationsByVrid} gives the expectations of its VRID, or null when that VRID is not
   * configured here ({@link VrrpRejectReason#VRID_NOT_CONFIGURED}).
   *
   * @throws IllegalArgumentException when {@code offset}/{@code length} do not lie within {@code
   *     buffer}
   */
  public static VrrpDecodeResult decode(
      byte[] buffer, int offset, int length, IntFunction<ReceiveExpectations> expectationsByVrid) {
    Objects.requireNonNull(expectationsByVrid, "expectationsByVrid");
    checkBounds(buffer, offset, length);
    return decodeChecked(buffer, offset, length, null, expectationsByVrid);
  }

  /**
   * Decodes the {@code length} bytes at {@code offset} as one IPv6 packet carrying a VRRPv3
   * advertisement (RFC 9568 §5.1.2, §7.1): version 6, Payload Length against the bytes received,
   * Next Header 112 (no extension header), then the VRRPv3 message with its IPv6 pseudo-header
   * checksum, then {@code expectations} (the hop limit counts as the TTL). An accepted packet is a
   * {@link VrrpDecodeResult.AcceptedIpv6}.
   *
   * @throws IllegalArgumentException when {@code offset}/{@code length} do not lie within {@code
   *     buffer}
   */
  public static VrrpDecodeResult decodeIpv6(
      byte[] buffer, int offset, int length, ReceiveExpectations expectations) {
    Objects.requireNonNull(expectations, "expectations");
    checkBounds(buffer, offset, length);
    byte[] b = buffer;
    int start = offset;
    if (length == 0) {
      return reject(IP_HEADER_LENGTH_INVALID, 0, 0);
    }
    int ipVersion = u8(b, start) >>> 4;
    if (ipVersion != 6) {
      return reject(IP_VERSION_NOT_6, ipVersion, 6);
    }
    int headerLength = VrrpWireFormat.IPV6_HEADER_LENGTH;
    if (length < headerLength) {
      return reject(IP_HEADER_LENGTH_INVALID, headerLength, length);
    }
    int totalLength = headerLength + u16(b, start + 4);
    if (totalLength != length) {
      return reject(IP_TOTAL_LENGTH_MISMATCH, totalLength, length);
    }
    int nextHeader = u8(b, start + 6);
    if (nextHeader != VrrpWireFormat.IP_PROTOCOL) {
      return reject(PROTOCOL_NOT_VRRP, nextHeader, VrrpWireFormat.IP_PROTOCOL);
    }
    int messageLength = length - headerLength;
    if (messageLength < VrrpWireFormat.FIXED_HEADER_LENGTH) {
      return reject(VRRP_TRUNCATED, messageLength, VrrpWireFormat.FIXED_HEADER_LENGTH);
    }
    int version = u8(b, start + headerLength) >>> 4;
    VrrpDecodeResult wrongVersion = checkVersion(version, VrrpWireFormat.VERSION_3);
    if (wrongVersion != null) {
      return wrongVersion; // over IPv6 only VRRPv3 exists, whatever the receiver expects
    }
    return decodeV3(
        b,
        start,
        headerLength,
        messageLength,
        u8(b, start + 7),
        8,
        24,
        VrrpWireFormat.IPV6_ADDRESS_LENGTH,
        expectations,
        null);
  }

  private static void checkBounds(byte[] buffer, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buffer.length - length) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " and length "
              + length
              + " must lie within the "
              + buffer.length
              + "-byte buffer");
    }
  }

  private static int u8(byte[] b, int index) {
    return b[index] & 0xff;
  }

  private static int u16(byte[] b, int index) {
    return (u8(b, index) << 8) | u8(b, index + 1);
  }

  private static int u32(byte[] b, int index) {
    return (u16(b, index) << 16) | u16(b, index + 2);
  }

  /**
   * The checks, in order. {@code start}/{@code received} lie within {@code b}; exactly one of
   * {@code single} and {@code byVrid} is non-null. Offsets below are relative to {@code start}.
   */
  private static VrrpDecodeResult decodeChecked(
      byte[] b,
      int start,
      int received,
      ReceiveExpectations single,
      IntFunction<ReceiveExpectations> byVrid) {
    // ---- IPv4 header (RFC 791 §3.1) ----
    if (received == 0) {
      return reject(IP_HEADER_LENGTH_INVALID, 0, 0);
    }
    int ipVersion = u8(b, start) >>> 4;
    if (ipVersion != IP_VERSION) {
      return reject(IP_VERSION_NOT_4, ipVersion, IP_VERSION);
    }
    int headerLength = (u8(b, start) & 0x0f) * 4;
    if (headerLength < VrrpWireFormat.IPV4_HEADER_LENGTH || headerLength > received) {
      return reject(IP_HEADER_LENGTH_INVALID, headerLength, received);
    }
    int totalLength = u16(b, start + 2);
    boolean padded = totalLength < received && received <= VrrpWireFormat.ETHERNET_MIN_PAYLOAD;
    if (totalLength < headerLength
        || totalLength > received
        || (totalLength < received && !padded)) {
      return reject(IP_TOTAL_LENGTH_MISMATCH, totalLength, received);
    }
    if (!InternetChecksum.verifies(b, start, headerLength)) {
      return reject(
          IP_HEADER_CHECKSUM_BAD,
          u16(b, start + 10),
          InternetChecksum.expected(b, start, headerLength, start + 10));
    }
    int protocol = u8(b, start + 9);
    if (protocol != VrrpWireFormat.IP_PROTOCOL) {
      return reject(PROTOCOL_NOT_VRRP, protocol, VrrpWireFormat.IP_PROTOCOL);
    }

    // ---- VRRP message (RFC 3768 §5.3, §7.1) ----
    int v = headerLength; // offset of the VRRP message from start
    int messageLength = totalLength - headerLength;
    if (messageLength < VrrpWireFormat.FIXED_HEADER_LENGTH) {
      return reject(VRRP_TRUNCATED, messageLength, VrrpWireFormat.FIXED_HEADER_LENGTH);
    }
    int version = u8(b, start + v) >>> 4;
    VrrpDecodeResult wrongVersion =
        checkVersion(version, single == null ? ReceiveExpectations.ANY_VERSION : single.version());
    if (wrongVersion != null) {
      return wrongVersion;
    }
    if (version == VrrpWireFormat.VERSION_3) {
      return decodeV3(b, start, v, messageLength, u8(b, start + 8), 12, 16, 4, single, byVrid);
    }
    int type = u8(b, start + v) & 0x0f;
    if (type != VrrpWireFormat.TYPE_ADVERTISEMENT) {
      return reject(TYPE_NOT_ADVERTISEMENT, type, VrrpWireFormat.TYPE_ADVERTISEMENT);
    }
    int addressCount = u8(b, start + v + 3);
    int expectedLength = VrrpWireFormat.messageLength(addressCount);
    if (messageLength < expectedLength) {
      return reject(VRRP_TRUNCATED, messageLength, expectedLength);
    }
    if (messageLength > expectedLength) {
      return reject(VRRP_TOO_LONG, messageLength, expectedLength);
    }
    if (!InternetChecksum.verifies(b, start + v, messageLength)) {
      long pseudo =
          InternetChecksum.pseudoHeaderSum(
              b, start + 12, b, start + 16, 4, VrrpWireFormat.IP_PROTOCOL, messageLength);
      if (InternetChecksum.verifies(b, start + v, messageLength, pseudo)) {
        return reject(
            CHECKSUM_WITH_PSEUDO_HEADER,
            u16(b, start + v + VrrpWireFormat.CHECKSUM_OFFSET),
            InternetChecksum.expected(
                b, start + v, messageLength, start + v + VrrpWireFormat.CHECKSUM_OFFSET));
      }
      return reject(
          CHECKSUM_BAD,
          u16(b, start + v + VrrpWireFormat.CHECKSUM_OFFSET),
          InternetChecksum.expected(
              b, start + v, messageLength, start + v + VrrpWireFormat.CHECKSUM_OFFSET));
    }
    int vrid = u8(b, start + v + 1);
    if (vrid == 0) {
      return reject(VRID_INVALID, vrid, 1);
    }
    int advertInterval = u8(b, start + v + 5);
    if (advertInterval == 0) {
      return reject(ADVERT_INTERVAL_INVALID, advertInterval, 1);
    }
    int authType = u8(b, start + v + 4);
    if (authType != VrrpAuthentication.TYPE_NONE
        && authType != VrrpAuthentication.TYPE_SIMPLE_PASSWORD) {
      return reject(AUTH_TYPE_UNKNOWN, authType, VrrpAuthentication.TYPE_SIMPLE_PASSWORD);
    }

    // ---- this receiver's configuration (RFC 3768 §7.1) ----
    ReceiveExpectations expectations =
        single != null ? (single.acceptsVirtualRouterId(vrid) ? single : null) : byVrid.apply(vrid);
    if (expectations == null) {
      return reject(VRID_NOT_CONFIGURED, vrid, 0);
    }
    if (single == null) {
      wrongVersion = checkVersion(version, expectations.version());
      if (wrongVersion != null) {
        return wrongVersion;
      }
    }
    int ttl = u8(b, start + 8);
    if (expectations.requireTtl255() && ttl != VrrpWireFormat.TTL) {
      return reject(TTL_NOT_255, ttl, VrrpWireFormat.TTL);
    }
    if (expectations.localAddressOwner()) {
      return reject(LOCAL_ROUTER_IS_OWNER, vrid, VrrpWireFormat.OWNER_PRIORITY);
    }
    int authDataOffset = v + VrrpWireFormat.FIXED_HEADER_LENGTH + 4 * addressCount;
    VrrpAuthentication expectedAuth = expectations.authenticationOrNull();
    if (expectedAuth != null) {
      if (authType != expectedAuth.type()) {
        return reject(AUTH_TYPE_MISMATCH, authType, expectedAuth.type());
      }
      if (authType == VrrpAuthentication.TYPE_SIMPLE_PASSWORD
          && !expectedAuth.dataMatches(b, start + authDataOffset)) {
        return reject(PASSWORD_MISMATCH, 0, 0);
      }
    }
    int priority = u8(b, start + v + 2);
    int addressesOffset = v + VrrpWireFormat.FIXED_HEADER_LENGTH;
    boolean addressMismatch = false;
    int[] expectedAddresses = expectations.addressBitsOrNull();
    if (expectedAddresses != null
        && !sameAddresses(b, start, addressesOffset, addressCount, expectedAddresses)) {
      if (priority != VrrpWireFormat.OWNER_PRIORITY) {
        return reject(ADDRESS_LIST_MISMATCH, addressCount, expectedAddresses.length);
      }
      addressMismatch = true;
    }
    int expectedInterval = expectations.advertIntervalOrZero();
    if (expectedInterval != 0 && advertInterval != expectedInterval) {
      return reject(ADVERT_INTERVAL_MISMATCH, advertInterval, expectedInterval);
    }

    // ---- accepted: build the values ----
    Ipv4Address[] addresses = new Ipv4Address[addressCount];
    for (int i = 0; i < addressCount; i++) {
      addresses[i] = Ipv4Address.ofBits(u32(b, start + addressesOffset + 4 * i));
    }
    VrrpAuthentication authentication;
    if (authType == VrrpAuthentication.TYPE_NONE) {
      authentication = VrrpAuthentication.none();
    } else if (expectedAuth != null) {
      authentication = expectedAuth; // verified equal above: share it rather than copy
    } else {
      authentication = VrrpAuthentication.fromWire(authType, b, start + authDataOffset);
    }
    VrrpAdvertisement advertisement =
        new VrrpAdvertisement(vrid, priority, authentication, advertInterval, List.of(addresses));
    int destinationBits = u32(b, start + 16);
    Ipv4Address destination =
        destinationBits == VrrpWireFormat.MULTICAST_GROUP.bits()
            ? VrrpWireFormat.MULTICAST_GROUP
            : Ipv4Address.ofBits(destinationBits);
    return new VrrpDecodeResult.Accepted(
        advertisement,
        Ipv4Address.ofBits(u32(b, start + 12)),
        destination,
        ttl,
        u16(b, start + v + VrrpWireFormat.CHECKSUM_OFFSET),
        addressMismatch);
  }

  /**
   * Null when a packet of {@code version} is welcome where {@code wanted} (2, 3 or any) is; the
   * named rejection otherwise.
   */
  private static VrrpDecodeResult checkVersion(int version, int wanted) {
    if (version != VrrpWireFormat.VERSION && version != VrrpWireFormat.VERSION_3) {
      return reject(VERSION_UNKNOWN, version, VrrpWireFormat.VERSION_3);
    }
    if (wanted == ReceiveExpectations.ANY_VERSION || wanted == version) {
      return null;
    }
    return wanted == VrrpWireFormat.VERSION
        ? reject(VERSION_NOT_2, version, VrrpWireFormat.VERSION)
        : reject(VERSION_NOT_3, version, VrrpWireFormat.VERSION_3);
  }

  /**
   * The VRRPv3 message at {@code v} (RFC 9568 §5.2, §7.1), over IPv4 ({@code addressLength} 4) or
   * IPv6 (16); the IP header's addresses, for the pseudo-header and the result, are at {@code
   * sourceOffset} and {@code destinationOffset}. The version nibble is 3 and the message holds at
   * least its fixed header.
   */
  private static VrrpDecodeResult decodeV3(
      byte[] b,
      int start,
      int v,
      int messageLength,
      int ttl,
      int sourceOffset,
      int destinationOffset,
      int addressLength,
      ReceiveExpectations single,
      IntFunction<ReceiveExpectations> byVrid) {
    int type = u8(b, start + v) & 0x0f;
    if (type != VrrpWireFormat.TYPE_ADVERTISEMENT) {
      return reject(TYPE_NOT_ADVERTISEMENT, type, VrrpWireFormat.TYPE_ADVERTISEMENT);
    }
    int addressCount = u8(b, start + v + 3);
    int expectedLength = VrrpWireFormat.v3MessageLength(addressCount, addressLength);
    if (messageLength < expectedLength) {
      return reject(VRRP_TRUNCATED, messageLength, expectedLength);
    }
    if (messageLength > expectedLength) {
      return reject(VRRP_TOO_LONG, messageLength, expectedLength);
    }
    long pseudo =
        InternetChecksum.pseudoHeaderSum(
            b,
            start + sourceOffset,
            b,
            start + destinationOffset,
            addressLength,
            VrrpWireFormat.IP_PROTOCOL,
            messageLength);
    int checksumField = start + v + VrrpWireFormat.CHECKSUM_OFFSET;
    if (!InternetChecksum.verifies(b, start + v, messageLength, pseudo)) {
      int wanted = InternetChecksum.expected(b, start + v, messageLength, checksumField, pseudo);
      if (InternetChecksum.verifies(b, start + v, messageLength)) {
        return reject(CHECKSUM_WITHOUT_PSEUDO_HEADER, u16(b, checksumField), wanted);
      }
      return reject(CHECKSUM_BAD, u16(b, checksumField), wanted);
    }
    int vrid = u8(b, start + v + 1);
    if (vrid == 0) {
      return reject(VRID_INVALID, vrid, 1);
    }
    // RFC 9568 §5.2.7: the 4 bits before the interval are reserved, sent as 0 and ignored.
    int interval = u16(b, start + v + 4) & VrrpWireFormat.MAX_ADVERT_INTERVAL_CENTIS;
    if (interval == 0) {
      return reject(MAX_ADVERT_INTERVAL_INVALID, interval, 1);
    }

    // ---- this receiver's configuration (RFC 9568 §7.1) ----
    ReceiveExpectations expectations =
        single != null ? (single.acceptsVirtualRouterId(vrid) ? single : null) : byVrid.apply(vrid);
    if (expectations == null) {
      return reject(VRID_NOT_CONFIGURED, vrid, 0);
    }
    VrrpDecodeResult wrongVersion = checkVersion(VrrpWireFormat.VERSION_3, expectations.version());
    if (wrongVersion != null) {
      return wrongVersion;
    }
    if (expectations.requireTtl255() && ttl != VrrpWireFormat.TTL) {
      return reject(TTL_NOT_255, ttl, VrrpWireFormat.TTL);
    }
    if (expectations.localAddressOwner()) {
      return reject(LOCAL_ROUTER_IS_OWNER, vrid, VrrpWireFormat.OWNER_PRIORITY);
    }
    int priority = u8(b, start + v + 2);
    int addressesOffset = start + v + VrrpWireFormat.FIXED_HEADER_LENGTH;
    boolean addressMismatch = false;
    int expectedCount = -1;
    if (addressLength == 4) {
      int[] expected = expectations.addressBitsOrNull();
      if (expected != null && !sameAddresses(b, start, v + 8, addressCount, expected)) {
        expectedCount = expected.length;
      }
    } else {
      List<IpAddress> expected = expectations.ipv6AddressesOrNull();
      if (expected != null && !sameIpv6Addresses(b, addressesOffset, addressCount, expected)) {
        expectedCount = expected.size();
      }
    }
    if (expectedCount >= 0) {
      if (priority != VrrpWireFormat.OWNER_PRIORITY) {
        return reject(ADDRESS_LIST_MISMATCH, addressCount, expectedCount);
      }
      addressMismatch = true; // as in VRRPv2: the owner's list wins, the caller logs it
    }

    // ---- accepted: build the values ----
    int checksum = u16(b, checksumField);
    if (addressLength == 4) {
      Ipv4Address[] addresses = new Ipv4Address[addressCount];
      for (int i = 0; i < addressCount; i++) {
        addresses[i] = Ipv4Address.ofBits(u32(b, addressesOffset + 4 * i));
      }
      int destinationBits = u32(b, start + destinationOffset);
      return new VrrpDecodeResult.Accepted(
          VrrpAdvertisement.v3(vrid, priority, interval, List.of(addresses)),
          Ipv4Address.ofBits(u32(b, start + sourceOffset)),
          destinationBits == VrrpWireFormat.MULTICAST_GROUP.bits()
              ? VrrpWireFormat.MULTICAST_GROUP
              : Ipv4Address.ofBits(destinationBits),
          ttl,
          checksum,
          addressMismatch);
    }
    IpAddress[] addresses = new IpAddress[addressCount];
    for (int i = 0; i < addressCount; i++) {
      addresses[i] = ipv6At(b, addressesOffset + 16 * i);
    }
    return new VrrpDecodeResult.AcceptedIpv6(
        new VrrpIpv6Advertisement(vrid, priority, interval, List.of(addresses)),
        ipv6At(b, start + sourceOffset),
        ipv6At(b, start + destinationOffset),
        ttl,
        checksum,
        ((u8(b, start) & 0x0f) << 4) | (u8(b, start + 1) >>> 4),
        u32(b, start) & 0xfffff,
        addressMismatch);
  }

  private static IpAddress ipv6At(byte[] b, int offset) {
    return IpAddress.ofBytes(Arrays.copyOfRange(b, offset, offset + 16));
  }

  private static boolean sameIpv6Addresses(
      byte[] b, int addressesOffset, int addressCount, List<IpAddress> expected) {
    if (addressCount != expected.size()) {
      return false;
    }
    for (IpAddress wanted : expected) {
      byte[] bytes = wanted.toBytes();
      boolean found = false;
      for (int i = 0; i < addressCount && !found; i++) {
        int at = addressesOffset + 16 * i;
        found = Arrays.equals(bytes, 0, 16, b, at, at + 16);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /**
   * The same set as configured: equal counts, and every configured address present. The configured
   * addresses are distinct, so a duplicate in the advert necessarily leaves one of them missing.
   */
  private static boolean sameAddresses(
      byte[] b, int start, int addressesOffset, int addressCount, int[] expected) {
    if (addressCount != expected.length) {
      return false;
    }
    for (int wanted : expected) {
      boolean found = false;
      for (int i = 0; i < addressCount && !found; i++) {
        found = u32(b, start + addressesOffset + 4 * i) == wanted;
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static VrrpDecodeResult reject(VrrpRejectReason reason, int actual, int expected) {
    return new VrrpDecodeResult.Rejected(reason, actual, expected);
  }
}
