package org.ha4j.core.net;

import java.util.Objects;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.config.ConfigText;

/**
 * An IPv4 address with a prefix length, as written in keepalived's {@code virtual_ipaddress}
 * ({@code 192.168.122.100/24}) and nginx's {@code allow}/{@code deny} ({@code 10.0.0.0/8}).
 *
 * <p>The address keeps its host bits: for a VIP, {@code 10.0.0.5/24} means "the address 10.0.0.5 on
 * a /24", not the network 10.0.0.0. {@link #contains} masks as a network would.
 */
public record Ipv4Cidr(Ipv4Address address, int prefixLength) {

  public Ipv4Cidr {
    Objects.requireNonNull(address, "address");
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length must be 0-32, got " + prefixLength);
    }
  }

  /** Parses {@code a.b.c.d} (a /32) or {@code a.b.c.d/n}. */
  public static Ipv4Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new Ipv4Cidr(Ipv4Address.parse(text), 32);
    }
    String prefix = text.substring(slash + 1);
    // ASCII digits only: Character.isDigit and Integer.parseInt would read "/٢٤" as /24.
    if (prefix.length() > 2 || !ConfigNumbers.isAsciiDigits(prefix)) {
      throw new IllegalArgumentException(
          "not a prefix length (expected 0-32) in '" + ConfigText.echo(text) + "'");
    }
    return new Ipv4Cidr(
        Ipv4Address.parse(text.substring(0, slash)), ConfigNumbers.parseInt(prefix, 0, 99));
  }

  /** A single address, /32. */
  public static Ipv4Cidr host(Ipv4Address address) {
    return new Ipv4Cidr(address, 32);
  }

  /** The network mask as an int, e.g. 0xFFFFFF00 for /24. */
  public int mask() {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  /** Whether {@code candidate} lies in this prefix. */
  public boolean contains(Ipv4Address candidate) {
    int mask = mask();
    return (candidate.bits() & mask) == (address.bits() & mask);
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
