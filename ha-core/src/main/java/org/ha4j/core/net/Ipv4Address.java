package org.ha4j.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.config.ConfigText;

/**
 * An IPv4 address as an immutable 32-bit value, ordered as an unsigned number in network byte
 * order, which is the order RFC 3768 §6.4.3 (clarified in RFC 9568 §6.4.3) uses to break priority
 * ties.
 *
 * <p>Parsing accepts only dotted-quad text ({@code 192.168.122.100}): never a host name, so parsing
 * a config file never touches DNS.
 */
public final class Ipv4Address implements Comparable<Ipv4Address> {

  private final int bits;

  private Ipv4Address(int bits) {
    this.bits = bits;
  }

  /**
   * The address whose network-byte-order value is {@code bits} ({@code 0x0A000001} is 10.0.0.1).
   */
  public static Ipv4Address ofBits(int bits) {
    return new Ipv4Address(bits);
  }

  /** The address in the four bytes at {@code offset}, network byte order. */
  public static Ipv4Address ofBytes(byte[] bytes, int offset) {
    int value =
        (bytes[offset] & 0xff) << 24
            | (bytes[offset + 1] & 0xff) << 16
            | (bytes[offset + 2] & 0xff) << 8
            | (bytes[offset + 3] & 0xff);
    return new Ipv4Address(value);
  }

  public static Ipv4Address of(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      throw new IllegalArgumentException("not an IPv4 address: " + address);
    }
    return ofBytes(address.getAddress(), 0);
  }

  /**
   * Parses dotted-quad text.
   *
   * @throws IllegalArgumentException naming the text when it is not four decimal octets 0-255
   */
  public static Ipv4Address parse(String text) {
    int value = 0;
    int octets = 0;
    int i = 0;
    int length = text.length();
    while (octets < 4) {
      int start = i;
      int octet = 0;
      while (i < length && i - start < 3 && ConfigNumbers.isAsciiDigit(text.charAt(i))) {
        octet = octet * 10 + (text.charAt(i) - '0');
        i++;
      }
      boolean hasLeadingZero = i - start > 1 && text.charAt(start) == '0';
      if (i == start || octet > 255 || hasLeadingZero) {
        throw invalid(text);
      }
      value = value << 8 | octet;
      octets++;
      if (octets < 4) {
        if (i >= length || text.charAt(i) != '.') {
          throw invalid(text);
        }
        i++;
      }
    }
    if (i != length) {
      throw invalid(text);
    }
    return new Ipv4Address(value);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "not an IPv4 address (expected a.b.c.d): '" + ConfigText.echo(text) + "'");
  }

  /**
   * The value in network byte order, as a Java int (compare with {@link Integer#compareUnsigned}).
   */
  public int bits() {
    return bits;
  }

  public byte[] toBytes() {
    return new byte[] {
      (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
    };
  }

  /** Writes the four bytes at {@code offset} in network byte order. */
  public void writeTo(byte[] target, int offset) {
    target[offset] = (byte) (bits >>> 24);
    target[offset + 1] = (byte) (bits >>> 16);
    target[offset + 2] = (byte) (bits >>> 8);
    target[offset + 3] = (byte) bits;
  }

  public Inet4Address toInetAddress() {
    try {
      return (Inet4Address) InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always a valid IPv4 address", e);
    }
  }

  public boolean isMulticast() {
    return (bits >>> 28) == 0xE;
  }

  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4Address other && other.bits == bits;
  }

  @Override
  public int hashCode() {
    return bits;
  }

  @Override
  public String toString() {
    return (bits >>> 24)
        + "."
        + ((bits >>> 16) & 0xff)
        + "."
        + ((bits >>> 8) & 0xff)
        + "."
        + (bits & 0xff);
  }
}
