package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * Requests over a {@code NETLINK_ROUTE} socket (rtnetlink(7)): list interfaces and their IPv4 and
 * IPv6 addresses, add and remove addresses. Reading needs no privilege; changing addresses needs
 * {@link Capability#CAP_NET_ADMIN}.
 *
 * <p>Thread-safety: requests are serialised on this object, one answer at a time.
 */
public interface RouteNetlink extends Closeable {

  /** Every interface ({@code RTM_GETLINK} dump). */
  List<LinkInfo> links() throws IOException;

  /** The interface of that name, if there is one. */
  default Optional<LinkInfo> link(String name) throws IOException {
    return links().stream().filter(link -> link.name().equals(name)).findFirst();
  }

  /**
   * The IPv4 addresses of one interface, in the kernel's order (primaries before their
   * secondaries).
   */
  List<InterfaceAddress> addresses(int interfaceIndex) throws IOException;

  /**
   * Adds an address ({@code RTM_NEWADDR}, create + exclusive), idempotently.
   *
   * @param label an alias label that starts with the interface's name, or null for the interface's
   *     own
   * @return true if added, false if it was already there
   */
  boolean addAddress(int interfaceIndex, Ipv4Cidr address, String label) throws IOException;

  /**
   * Removes an address ({@code RTM_DELADDR}), idempotently.
   *
   * @return true if removed, false if it was not there
   */
  boolean removeAddress(int interfaceIndex, Ipv4Cidr address) throws IOException;

  /** The IPv6 addresses of one interface, link-local included. */
  List<InterfaceIpv6Address> ipv6Addresses(int interfaceIndex) throws IOException;

  /** The interface's usable (not tentative) link-local address, if it has one yet. */
  default Optional<IpAddress> linkLocalAddress(int interfaceIndex) throws IOException {
    return ipv6Addresses(interfaceIndex).stream()
        .filter(address -> address.isLinkLocal() && !address.tentative())
        .map(address -> address.address().address())
        .findFirst();
  }

  /**
   * Adds an IPv6 address ({@code RTM_NEWADDR}, {@code IFA_F_NODAD}: usable at once), idempotently.
   *
   * @return true if added, false if it was already there
   */
  boolean addIpv6Address(int interfaceIndex, IpCidr address) throws IOException;

  /**
   * Removes an IPv6 address ({@code RTM_DELADDR}), idempotently.
   *
   * @return true if removed, false if it was not there
   */
  boolean removeIpv6Address(int interfaceIndex, IpCidr address) throws IOException;

  @Override
  void close();
}
