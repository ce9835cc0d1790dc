package org.ha4j.vrrp.config;

import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpAddress;

/**
 * The address family of one {@code vrrp_instance}, as keepalived 2.2.7 settles it: the first
 * address read ({@code unicast_src_ip}, a {@code unicast_peer} or a {@code virtual_ipaddress}
 * entry, in file order) fixes it, and an address of the other family later is an error, with
 * keepalived's words (vrrp_parser.c: "address family must match VRRP instance", "MUST be of the
 * same family").
 */
final class InstanceFamily {

  private final ConfigProblems problems;
  private Boolean ipv6; // null until the first address

  InstanceFamily(ConfigProblems problems) {
    this.problems = problems;
  }

  /** Whether the instance is IPv6 (false until an address says otherwise). */
  boolean isIpv6() {
    return Boolean.TRUE.equals(ipv6);
  }

  /** Whether {@code address} on {@code line} fits; reports it at its line when not. */
  boolean vip(ConfigStatement line, IpAddress address) {
    if (fits(address)) {
      return true;
    }
    problems.error(
        line,
        "address family must match VRRP instance ["
            + line.keyword()
            + "]: the instance is "
            + name()
            + " (its first address), keepalived ignores this entry");
    return false;
  }

  /** The same for a unicast peer or source. */
  boolean unicast(ConfigStatement line, IpAddress address) {
    if (fits(address)) {
      return true;
    }
    problems.error(
        line,
        "the VRRP instance and unicast address ["
            + address
            + "] MUST be of the same family: the instance is "
            + name()
            + " (its first address)");
    return false;
  }

  private boolean fits(IpAddress address) {
    if (ipv6 == null) {
      ipv6 = address.isIpv6();
      return true;
    }
    return ipv6 == address.isIpv6();
  }

  private String name() {
    return isIpv6() ? "IPv6" : "IPv4";
  }
}
