package org.ha4j.vrrp;

import java.util.Objects;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * One of keepalived's {@code virtual_ipaddress} entries: {@code A.B.C.D[/N] [label IF:x]}. Without
 * a prefix length keepalived adds a /32, and so does ha4j.
 *
 * @param address the address and prefix length to add
 * @param label an alias label starting with the interface name and a colon, or null
 */
public record VirtualAddress(Ipv4Cidr address, String label) {

  public VirtualAddress {
    Objects.requireNonNull(address, "address");
    if (label != null && (label.isEmpty() || label.length() > 15)) {
      throw new IllegalArgumentException(
          "label must be 1-15 characters (IFNAMSIZ), got '" + label + "'");
    }
  }

  /** Parses {@code A.B.C.D} or {@code A.B.C.D/N}, without label. */
  public static VirtualAddress parse(String text) {
    return new VirtualAddress(Ipv4Cidr.parse(text), null);
  }

  @Override
  public String toString() {
    return address + (label == null ? "" : " label " + label);
  }
}
