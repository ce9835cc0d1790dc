package org.ha4j.core.linux;

import java.util.Objects;
import org.ha4j.core.net.IpCidr;

/**
 * An IPv6 address on an interface, as rtnetlink reports it ({@code RTM_NEWADDR} with {@code
 * AF_INET6}).
 *
 * @param interfaceIndex the interface it is on
 * @param address the address with its prefix length
 * @param tentative duplicate address detection has not finished (or failed): the kernel does not
 *     let a socket use it yet
 */
public record InterfaceIpv6Address(int interfaceIndex, IpCidr address, boolean tentative) {

  public InterfaceIpv6Address {
    Objects.requireNonNull(address, "address");
    if (!address.address().isIpv6()) {
      throw new IllegalArgumentException("an IPv6 address is needed, got " + address);
    }
  }

  /** fe80::/10 (RFC 4291 §2.5.6): the source of VRRP and neighbour discovery on a link. */
  public boolean isLinkLocal() {
    byte[] bytes = address.address().toBytes();
    return (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80;
  }
}
