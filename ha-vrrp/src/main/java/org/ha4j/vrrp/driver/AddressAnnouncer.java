package org.ha4j.vrrp.driver;

import java.io.IOException;
import java.util.List;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * Port: tells the network that the virtual addresses now live here. Gratuitous ARP on an IPv4 LAN
 * (RFC 3768 §6.4.2); the same place for IPv6 neighbour advertisements, a route announced to a
 * routing daemon or a secondary IP moved through a cloud provider's API.
 */
@FunctionalInterface
public interface AddressAnnouncer {

  /**
   * Announces every address in {@code addresses}, {@code repeat} times (keepalived's GARP bursts).
   * An announcer for which repetition means nothing (an API call) may announce once.
   *
   * @param repeat at least 1
   * @throws IOException when it could not announce; the driver counts it and logs at a limited rate
   */
  void announce(List<Ipv4Cidr> addresses, int repeat) throws IOException;
}
