package org.ha4j.vrrp.codec;

import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * The numbers of the VRRPv2 wire format (RFC 3768 §5), of the VRRPv3 one (RFC 9568 §5), and of the
 * IPv4 and IPv6 headers keepalived 2.2.7 wraps them in.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 * |   Auth Type   |   Adver Int   |          Checksum             |
 * |                         IP Address (1..n)                     |
 * |                     Authentication Data (1)                   |
 * |                     Authentication Data (2)                   |
 * </pre>
 *
 * <p>VRRPv3 drops the authentication and widens the interval to 12 bits of centiseconds; its
 * addresses are IPv4 or IPv6, never both in one message:
 *
 * <pre>
 * |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 * |(rsvd) |     Max Adver Int     |          Checksum             |
 * |                 IPvX Address(es) (4 or 16 bytes each)         |
 * </pre>
 */
public final class VrrpWireFormat {

  /** IP protocol number of VRRP, RFC 3768 §5.2.4. */
  public static final int IP_PROTOCOL = 112;

  /** The only TTL a VRRP packet may be sent or accepted with, RFC 3768 §5.2.3. */
  public static final int TTL = 255;

  /** The destination of multicast advertisements, 224.0.0.18, RFC 3768 §5.2.2. */
  public static final Ipv4Address MULTICAST_GROUP = Ipv4Address.ofBits(0xE0000012);

  /**
   * The IP TOS keepalived sends with: IPTOS_PREC_INTERNETCONTROL (precedence 6), as its {@code
   * vrrp_build_ip4()} does and as the captured packets show.
   */
  public static final int TOS_INTERNETWORK_CONTROL = 0xc0;

  /** VRRP version 2, RFC 3768 §5.3.1. */
  public static final int VERSION = 2;

  /** VRRP version 3, RFC 9568 §5.2.1. */
  public static final int VERSION_3 = 3;

  /** The largest VRRPv3 Max Adver Int: 12 bits of centiseconds, 40.95 s (RFC 9568 §5.2.7). */
  public static final int MAX_ADVERT_INTERVAL_CENTIS = 0xfff;

  /** The destination of IPv6 advertisements, ff02::12, RFC 9568 §5.1.2.2. */
  public static final IpAddress IPV6_MULTICAST_GROUP = IpAddress.parse("ff02::12");

  /** The fixed IPv6 header (RFC 8200 §3); VRRP uses no extension header. */
  public static final int IPV6_HEADER_LENGTH = 40;

  /** An IPv6 address: 16 bytes. */
  public static final int IPV6_ADDRESS_LENGTH = 16;

  /** Type 1 = ADVERTISEMENT, the only type defined, RFC 3768 §5.3.2. */
  public static final int TYPE_ADVERTISEMENT = 1;

  /** The priority of the router that owns the virtual addresses, RFC 3768 §5.3.4. */
  public static final int OWNER_PRIORITY = 255;

  /**
   * Version/type, VRID, priority, count, auth type, interval, checksum: 8 bytes (RFC 3768 §5.1).
   */
  public static final int FIXED_HEADER_LENGTH = 8;

  /** Offset of the checksum in the VRRP message. */
  public static final int CHECKSUM_OFFSET = 6;

  /** The IPv4 header without options, as keepalived sends it. */
  public static final int IPV4_HEADER_LENGTH = 20;

  /** The largest IPv4 header: IHL 15. */
  public static final int IPV4_MAX_HEADER_LENGTH = 60;

  /**
   * The IPv4 payload of a minimum-size Ethernet frame (60 bytes without FCS, minus the 14-byte
   * header). A received buffer up to this long may carry padding after the IP datagram (keepalived
   * tolerates it since 2.3.2, in {@code vrrp_check_packet()}).
   */
  public static final int ETHERNET_MIN_PAYLOAD = 46;

  private VrrpWireFormat() {}

  /** Checks a VRRPv3 Max Adver Int given by a caller: 1-4095 cs. */
  static void checkV3Interval(int centis) {
    if (centis < 1 || centis > MAX_ADVERT_INTERVAL_CENTIS) {
      throw new IllegalArgumentException(
          "a VRRPv3 advert interval must be 1-4095 cs (0.01-40.95 s), got " + centis + " cs");
    }
  }

  /**
   * The length of a VRRPv3 message with {@code addressCount} addresses of {@code addressLength}
   * bytes (4 or 16): 8 + n * length, no authentication data (RFC 9568 §5.1).
   */
  public static int v3MessageLength(int addressCount, int addressLength) {
    if (addressCount < 0 || addressCount > 255) {
      throw new IllegalArgumentException("address count must be 0-255, got " + addressCount);
    }
    if (addressLength != 4 && addressLength != IPV6_ADDRESS_LENGTH) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, got " + addressLength);
    }
    return FIXED_HEADER_LENGTH + addressLength * addressCount;
  }

  /**
   * The length of a VRRPv2 message with {@code addressCount} addresses: 8 + 4n + 8 (RFC 3768 §5.1).
   */
  public static int messageLength(int addressCount) {
    if (addressCount < 0 || addressCount > 255) {
      throw new IllegalArgumentException("address count must be 0-255, got " + addressCount);
    }
    return FIXED_HEADER_LENGTH + 4 * addressCount + VrrpAuthentication.DATA_LENGTH;
  }
}
