package org.ha4j.vrrp.codec;

import java.util.Locale;

/**
 * Why a received packet was not accepted as a VRRP advertisement: one constant per discard rule of
 * RFC 3768 §7.1 (and §5) and RFC 9568 §7.1, per IP header check, and per extra check keepalived
 * 2.2.7 makes in {@code vrrp_check_packet()}. A transport counts drops under these names and logs
 * them at a limited rate.
 *
 * <p>{@link #logText()} is stable (it names the constant and the rule) and safe to grep for; the
 * per-packet {@link VrrpDecodeResult.Rejected#detail() detail} never contains a password.
 */
public enum VrrpRejectReason {

  // ---- the IPv4 datagram (RFC 791) -------------------------------------------------------------

  /** The IP version nibble is not 4 (RFC 791 §3.1): this decoder reads IPv4 packets only. */
  IP_VERSION_NOT_4("RFC 791 §3.1", Category.MALFORMED, "IP version %d, must be 4"),

  /**
   * The IHL field is below 5 (20 bytes), or the header it announces does not fit in the bytes
   * received (RFC 791 §3.1). The header length is always taken from IHL: options are legal, 20 is
   * not assumed.
   */
  IP_HEADER_LENGTH_INVALID(
      "RFC 791 §3.1",
      Category.MALFORMED,
      "IP header length %d bytes; must be 20-60 and fit in the %d bytes received"),

  /**
   * The IPv4 Total Length disagrees with the bytes received (RFC 791 §3.1; keepalived's "ip_tot_len
   * mismatch against received length"): the datagram was truncated, or bytes follow it in a buffer
   * longer than a padded minimum Ethernet payload (46 bytes), or it is shorter than its header.
   */
  IP_TOTAL_LENGTH_MISMATCH(
      "RFC 791 §3.1",
      Category.MALFORMED,
      "IP total length %d, but %d bytes received (equal, or padding up to 46 bytes, expected)"),

  /**
   * The IPv4 header checksum does not verify (RFC 791 §3.1; a host MUST discard such datagrams, RFC
   * 1122 §3.2.1.2). The kernel has checked it already on a real socket; the check catches corrupt
   * input handed to the decoder in any other way.
   */
  IP_HEADER_CHECKSUM_BAD(
      "RFC 1122 §3.2.1.2", Category.MALFORMED, "IP header checksum 0x%04x, computed 0x%04x"),

  /** The IP version nibble of a packet read as IPv6 is not 6 (RFC 8200 §3). */
  IP_VERSION_NOT_6("RFC 8200 §3", Category.MALFORMED, "IP version %d, must be 6"),

  /** The IP protocol is not 112 (RFC 3768 §5.2.4); AH-wrapped packets (51) are not supported. */
  PROTOCOL_NOT_VRRP("RFC 3768 §5.2.4", Category.MALFORMED, "IP protocol %d, must be 112"),

  /**
   * The TTL is not 255 (RFC 3768 §5.2.3, §7.1): the packet may come from off the link (§10).
   * keepalived skips this check for unicast instances; see {@link
   * ReceiveExpectations.Builder#requireTtl255}.
   */
  TTL_NOT_255("RFC 3768 §5.2.3/§7.1", Category.MALFORMED, "TTL %d, must be 255"),

  // ---- the VRRP message (RFC 3768 §5.3) --------------------------------------------------------

  /**
   * A VRRPv3 packet reached a router that speaks VRRPv2 (RFC 3768 §5.3.1, §7.1): the group mixes
   * versions, and each side would otherwise become master unseen by the other. Counted and logged
   * as a warning on the receiving side.
   */
  VERSION_NOT_2(
      "RFC 3768 §5.3.1/§7.1",
      Category.MISCONFIGURATION,
      "VRRP version %d, must be 2 (a VRRPv3 peer in a VRRPv2 group)"),

  /**
   * A VRRPv2 packet reached a router that speaks VRRPv3 (RFC 9568 §7.1 "MUST verify that the VRRP
   * version is 3"; an IPv6 packet is always VRRPv3): the group mixes versions.
   */
  VERSION_NOT_3(
      "RFC 9568 §5.2.1/§7.1",
      Category.MISCONFIGURATION,
      "VRRP version %d, must be 3 (a VRRPv2 peer in a VRRPv3 group)"),

  /** A version nibble that is neither 2 nor 3, read where either is welcome (RFC 9568 §5.2.1). */
  VERSION_UNKNOWN("RFC 9568 §5.2.1", Category.MALFORMED, "VRRP version %d, must be 2 or 3"),

  /** The type nibble is not 1, ADVERTISEMENT, the only type defined (RFC 3768 §5.3.2). */
  TYPE_NOT_ADVERTISEMENT(
      "RFC 3768 §5.3.2", Category.MALFORMED, "VRRP type %d, must be 1 (ADVERTISEMENT)"),

  /**
   * The IP payload is shorter than the complete VRRP message: 8 fixed bytes, 4 per address counted,
   * and the 8 bytes of Authentication Data, which are always present in v2 (RFC 3768 §7.1,
   * §5.3.10).
   */
  VRRP_TRUNCATED("RFC 3768 §7.1", Category.MALFORMED, "VRRP message has %d bytes, needs %d"),

  /**
   * The IP payload is longer than 8 + 4n + 8 bytes for the addresses counted: the count and the
   * length disagree. RFC 3768 only requires the message to be complete; keepalived 2.2.7 requires
   * the exact length ("vrrp packet too long") and so does ha4j, because the count is then
   * untrustworthy.
   */
  VRRP_TOO_LONG(
      "RFC 3768 §5.3.5 (keepalived)",
      Category.MALFORMED,
      "VRRP message has %d bytes, but its address count makes %d"),

  /**
   * The VRRP checksum does not verify: RFC 3768 §5.3.8 (no pseudo-header) for VRRPv2, RFC 9568
   * §5.2.8 (with the IPv4 or IPv6 pseudo-header) for VRRPv3. The second number is the checksum the
   * version's own rule gives.
   */
  CHECKSUM_BAD("RFC 3768 §5.3.8/§7.1", Category.MALFORMED, "VRRP checksum 0x%04x, computed 0x%04x"),

  /**
   * A VRRPv3 packet whose checksum covers the message alone, the VRRPv2 way, not the pseudo-header
   * RFC 9568 §5.2.8 requires: the sender computes it the other way (keepalived's {@code
   * v3_checksum_as_v2} does so on purpose, for peers that never included the pseudo-header).
   */
  CHECKSUM_WITHOUT_PSEUDO_HEADER(
      "RFC 9568 §5.2.8",
      Category.MISCONFIGURATION,
      "VRRPv3 checksum 0x%04x is the VRRPv2-style one (no pseudo-header); with it 0x%04x"),

  /**
   * A VRRPv2 packet whose checksum covers an IPv4 pseudo-header, the VRRPv3 way, not the message
   * alone as RFC 3768 §5.3.8 requires.
   */
  CHECKSUM_WITH_PSEUDO_HEADER(
      "RFC 3768 §5.3.8",
      Category.MISCONFIGURATION,
      "VRRPv2 checksum 0x%04x covers a pseudo-header (VRRPv3-style); without it 0x%04x"),

  /** VRID 0, which no virtual router can have (RFC 3768 §5.3.3: 1-255). */
  VRID_INVALID("RFC 3768 §5.3.3", Category.MALFORMED, "VRID %d, must be 1-255"),

  /**
   * Advertisement interval 0 s (RFC 3768 §5.3.7: whole seconds, default 1; keepalived refuses to
   * round an interval down to 0 since a 0 s master would flood the link).
   */
  ADVERT_INTERVAL_INVALID(
      "RFC 3768 §5.3.7", Category.MALFORMED, "advert interval %d s, must be 1-255"),

  /** Max Adver Int 0 cs (RFC 9568 §5.2.7: 12 bits of centiseconds, a master must advertise). */
  MAX_ADVERT_INTERVAL_INVALID(
      "RFC 9568 §5.2.7", Category.MALFORMED, "Max Adver Int %d cs, must be 1-4095"),

  /**
   * An authentication type other than 0 (none) and 1 (simple password, which keepalived still
   * speaks as {@code auth_type PASS}); 2 (IP AH) and above are unknown to ha4j, and RFC 3768 §5.3.6
   * says a packet with an unknown type MUST be discarded (keepalived: "Invalid auth type").
   */
  AUTH_TYPE_UNKNOWN(
      "RFC 3768 §5.3.6/§7.1",
      Category.MALFORMED,
      "auth type %d; only 0 (none) and 1 (simple password) are known"),

  // ---- this receiver's configuration (RFC 3768 §7.1) -------------------------------------------

  /**
   * The VRID is not configured on the receiving interface (RFC 3768 §7.1). Normal on a LAN shared
   * by several virtual routers, so keepalived only logs it when asked ({@code log_unknown_vrids}).
   */
  VRID_NOT_CONFIGURED(
      "RFC 3768 §7.1", Category.NOT_FOR_THIS_ROUTER, "VRID %d is not configured here"),

  /**
   * This router owns the virtual addresses (its priority is 255), and an owner discards adverts
   * (RFC 3768 §7.1).
   */
  LOCAL_ROUTER_IS_OWNER(
      "RFC 3768 §7.1",
      Category.NOT_FOR_THIS_ROUTER,
      "VRID %d: this router is the address owner (priority 255)"),

  /**
   * The auth type is known but not the one configured here (RFC 3768 §5.3.6, §7.1; keepalived
   * {@code authtype_mismatch}).
   */
  AUTH_TYPE_MISMATCH(
      "RFC 3768 §5.3.6/§7.1", Category.AUTHENTICATION, "auth type %d, configured %d"),

  /**
   * A simple-password packet whose 8 password bytes differ from the configured ones, compared in
   * constant time (RFC 3768 §7.1 "perform that authentication method"; RFC 2338 §5.3.6.1;
   * keepalived {@code auth_failure}).
   */
  PASSWORD_MISMATCH(
      "RFC 3768 §7.1", Category.AUTHENTICATION, "password does not match the configured one"),

  /**
   * The addresses differ from the configured ones (count, or the set) and the sender is not the
   * owner (RFC 3768 §7.1: MUST drop unless the priority is 255). Order is not significant. An
   * owner's mismatching advert is accepted and flagged instead; see {@link
   * VrrpDecodeResult.Accepted#ownerAddressListMismatch()}.
   */
  ADDRESS_LIST_MISMATCH(
      "RFC 3768 §7.1",
      Category.MISCONFIGURATION,
      "the advert's %d addresses are not the %d configured"),

  /**
   * The advertisement interval is not the configured one (RFC 3768 §7.1 MUST discard; keepalived
   * drops it too, "to prevent concurrent VRID running").
   */
  ADVERT_INTERVAL_MISMATCH(
      "RFC 3768 §7.1", Category.MISCONFIGURATION, "advert interval %d s, configured %d s");

  /** What kind of problem a reason is, for counters and log levels. */
  public enum Category {
    /** Not a valid VRRP advertisement at all: RFC 3768 §7.1 "an error occurred". */
    MALFORMED,
    /** Valid, but for a virtual router this receiver does not run, or must ignore. */
    NOT_FOR_THIS_ROUTER,
    /** Authentication failed: worth a security log line. */
    AUTHENTICATION,
    /**
     * Valid, but disagrees with the configuration: RFC 3768 §7.1 "a misconfiguration was detected".
     */
    MISCONFIGURATION
  }

  private final String rule;
  private final Category category;
  private final String detailFormat;

  VrrpRejectReason(String rule, Category category, String detailFormat) {
    this.rule = rule;
    this.category = category;
    this.detailFormat = detailFormat;
  }

  /** The rule followed, e.g. {@code RFC 3768 §5.2.3/§7.1}. */
  public String rule() {
    return rule;
  }

  public Category category() {
    return category;
  }

  /**
   * The stable text for logs and the command line, e.g. {@code TTL_NOT_255 (RFC 3768 §5.2.3/§7.1)}.
   */
  public String logText() {
    return name() + " (" + rule + ")";
  }

  /** The detail of one rejection, from the two numbers it carries. */
  String detail(int actual, int expected) {
    return String.format(Locale.ROOT, detailFormat, actual, expected);
  }
}
