package org.ha4j.core.linux;

import java.util.Objects;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * An IPv4 address on an interface, as rtnetlink reports it ({@code RTM_NEWADDR}, {@code struct
 * ifaddrmsg}).
 *
 * @param interfaceIndex the interface it is on
 * @param address the local address ({@code IFA_LOCAL}) with its prefix length
 * @param label {@code IFA_LABEL}: the interface name, or an alias such as {@code eth0:vip}
 * @param secondary {@code IFA_F_SECONDARY}: another address of the same subnet came first
 */
public record InterfaceAddress(
    int interfaceIndex, Ipv4Cidr address, String label, boolean secondary) {

  public InterfaceAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(label, "label");
  }
}
