package org.ha4j.vrrp.net;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * Where a {@link VrrpTransport} sends and listens.
 *
 * @param interfaceName the interface VRRP runs on (SO_BINDTODEVICE)
 * @param interfaceIndex its index (multicast membership, IP_MULTICAST_IF)
 * @param source the source address of adverts: the interface's primary address, or {@code
 *     unicast_src_ip}
 * @param unicastPeers empty for multicast; otherwise the peers adverts go to and may come from
 */
public record TransportConfig(
    String interfaceName, int interfaceIndex, Ipv4Address source, List<Ipv4Address> unicastPeers) {

  public TransportConfig {
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(source, "source");
    unicastPeers = List.copyOf(unicastPeers);
    if (interfaceIndex < 1) {
      throw new IllegalArgumentException("interface index must be >= 1, got " + interfaceIndex);
    }
  }

  public boolean isUnicast() {
    return !unicastPeers.isEmpty();
  }
}
