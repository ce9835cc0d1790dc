package org.ha4j.core.net;

import java.util.Objects;

/**
 * An IPv4 or IPv6 address with a prefix length, as nginx's {@code allow}/{@code deny} take it
 * ({@code 10.0.0.0/8}, {@code fd00:200::/64}, or a bare address meaning /32 or /128). The address
 * keeps any host bits as written; {@link #contains} masks as a network would.
 */
public record IpCidr(IpAddress address, int prefixLength) {

  public IpCidr {
    Objects.requireNonNull(address, "address");
    if (prefixLength < 0 || prefixLength > address.bitLength()) {
      throw new IllegalArgumentException(
          "prefix length must be 0-"
              + address.bitLength()
              + " for "
              + (address.isIpv4() ? "IPv4" : "IPv6")
              + ", got "
              + prefixLength);
    }
  }

  /** Parses {@code ADDRESS} or {@code ADDRESS/N}, IPv4 or IPv6. */
  public static IpCidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      IpAddress address = IpAddress.parse(text);
      return new IpCidr(address, address.bitLength());
    }
    IpAddress address = IpAddress.parse(text.substring(0, slash));
    String prefix = text.substring(slash + 1);
    if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "not a prefix length (expected 0-" + address.bitLength() + ") in '" + text + "'");
    }
    return new IpCidr(address, Integer.parseInt(prefix));
  }

  /** Whether {@code candidate} lies in this prefix; an address of the other family never does. */
  public boolean contains(IpAddress candidate) {
    if (candidate.bitLength() != address.bitLength()) {
      return false;
    }
    for (int i = 0; i < prefixLength; i++) {
      if (candidate.bit(i) != address.bit(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether bits beyond the prefix are set (nginx warns "low address bits ... are meaningless").
   */
  public boolean hasHostBits() {
    for (int i = prefixLength; i < address.bitLength(); i++) {
      if (address.bit(i)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
