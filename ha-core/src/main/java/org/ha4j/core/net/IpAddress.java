package org.ha4j.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as an immutable value: 4 or 16 bytes in network order, with no host name
 * and no IPv6 scope. {@link #toString()} writes it the way nginx's {@code $remote_addr} does:
 * dotted quad, or RFC 5952 text for IPv6 ({@code ::1}, {@code fd00:200::1}, {@code
 * ::ffff:10.0.0.1}).
 *
 * <p>Parsing accepts only literals, never a host name, so reading a config file never touches DNS.
 * IPv6 text is taken without brackets and without a {@code %zone}.
 */
public final class IpAddress {

  private final byte[] bytes;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The address in {@code bytes}: 4 for IPv4, 16 for IPv6 (copied). */
  public static IpAddress ofBytes(byte[] bytes) {
    if (bytes.length != 4 && bytes.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + bytes.length);
    }
    return new IpAddress(bytes.clone());
  }

  /** The address of {@code address}; an IPv6 scope is dropped. */
  public static IpAddress of(InetAddress address) {
    return new IpAddress(address.getAddress());
  }

  /**
   * Parses {@code a.b.c.d} or IPv6 text ({@code ::1}, {@code fd00:200::1}, {@code
   * ::ffff:10.0.0.1}).
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static IpAddress parse(String text) {
    if (text.indexOf(':') < 0) {
      return new IpAddress(Ipv4Address.parse(text).toBytes());
    }
    if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      throw invalidIpv6(text);
    }
    InetAddress parsed;
    try {
      // The JDK takes text with a colon as an IPv6 literal only: it never looks it up.
      parsed = InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw invalidIpv6(text);
    }
    if (parsed instanceof Inet4Address) {
      // the JDK folds ::ffff:a.b.c.d into IPv4; as written it is an IPv6 address
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
      return new IpAddress(mapped);
    }
    return new IpAddress(parsed.getAddress());
  }

  private static IllegalArgumentException invalidIpv6(String text) {
    return new IllegalArgumentException(
        "not an IP address (expected a.b.c.d or IPv6 such as fd00::1): '" + text + "'");
  }

  public boolean isIpv4() {
    return bytes.length == 4;
  }

  public boolean isIpv6() {
    return bytes.length == 16;
  }

  /** 32 for IPv4, 128 for IPv6. */
  public int bitLength() {
    return bytes.length * 8;
  }

  /** Whether this is an IPv4-mapped IPv6 address, {@code ::ffff:a.b.c.d}. */
  public boolean isIpv4Mapped() {
    if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The IPv4 address a mapped {@code ::ffff:a.b.c.d} stands for, this address itself otherwise: how
   * nginx treats a client that reached an IPv6 socket over IPv4.
   */
  public IpAddress unmapped() {
    return isIpv4Mapped() ? new IpAddress(Arrays.copyOfRange(bytes, 12, 16)) : this;
  }

  /** The address bytes in network order (a copy). */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The bit at {@code index}, counted from the most significant bit of the first byte. */
  boolean bit(int index) {
    return (bytes[index >>> 3] & (0x80 >>> (index & 7))) != 0;
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an IP address", e);
    }
  }

  /**
   * {@code [v6]} or {@code a.b.c.d}, as nginx writes the address part of {@code $upstream_addr}.
   */
  public String toUriHost() {
    return isIpv6() ? "[" + this + "]" : toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    if (isIpv4()) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    return ipv6Text();
  }

  /**
   * RFC 5952 §4: lower-case hex without leading zeros, the longest run of two or more zero groups
   * (the first of equal runs) as {@code ::}; and, as nginx's {@code ngx_inet6_ntop}, the last 32
   * bits as a dotted quad for IPv4-mapped and IPv4-compatible addresses (RFC 5952 §5).
   */
  private String ipv6Text() {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
    }
    int runStart = -1;
    int runLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > runLength) {
        runStart = i;
        runLength = j - i;
      }
      i = j;
    }
    boolean dottedTail =
        runStart == 0
            && (runLength == 6
                || (runLength == 5 && groups[5] == 0xffff)
                || (runLength == 7 && groups[7] >>> 8 != 0 && (groups[7] & 0xff) != 1));
    int hexGroups = dottedTail ? 6 : 8;
    StringBuilder sb = new StringBuilder(41);
    for (int i = 0; i < hexGroups; i++) {
      if (i == runStart) {
        sb.append(i == 0 ? "::" : ":");
        i += Math.min(runLength, hexGroups - i) - 1;
        continue;
      }
      sb.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        sb.append(':');
      }
    }
    if (dottedTail) {
      sb.append(bytes[12] & 0xff)
          .append('.')
          .append(bytes[13] & 0xff)
          .append('.')
          .append(bytes[14] & 0xff)
          .append('.')
          .append(bytes[15] & 0xff);
    }
    return sb.toString();
  }
}
