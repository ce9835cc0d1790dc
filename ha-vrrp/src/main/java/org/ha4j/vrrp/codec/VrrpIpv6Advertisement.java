package org.ha4j.vrrp.codec;

import java.util.List;
import org.ha4j.core.net.IpAddress;

/**
 * A VRRPv3 ADVERTISEMENT over IPv6 (RFC 9568 §5.2) as values, without the IPv6 header and the
 * checksum. Over IPv6 there is only version 3 and no authentication.
 *
 * @param virtualRouterId VRID, 1-255 (RFC 9568 §5.2.3)
 * @param priority 0-255; 255 = address owner, 0 = master resigning (§5.2.4)
 * @param maxAdvertIntervalCentis 1-4095 centiseconds (§5.2.7)
 * @param addresses IPv6 virtual addresses, at most 255 (§5.2.5, §5.2.9); an immutable copy is kept
 */
public record VrrpIpv6Advertisement(
    int virtualRouterId, int priority, int maxAdvertIntervalCentis, List<IpAddress> addresses) {

  public VrrpIpv6Advertisement {
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("virtual router id must be 1-255, got " + virtualRouterId);
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be 0-255, got " + priority);
    }
    VrrpWireFormat.checkV3Interval(maxAdvertIntervalCentis);
    addresses = List.copyOf(addresses);
    if (addresses.size() > 255) {
      throw new IllegalArgumentException("at most 255 addresses fit, got " + addresses.size());
    }
    for (IpAddress address : addresses) {
      if (!address.isIpv6()) {
        throw new IllegalArgumentException(
            "an IPv6 advert carries IPv6 addresses only, got " + address);
      }
    }
  }

  /** The same advertisement with another priority, e.g. 0 for the resignation sent on shutdown. */
  public VrrpIpv6Advertisement withPriority(int newPriority) {
    return new VrrpIpv6Advertisement(
        virtualRouterId, newPriority, maxAdvertIntervalCentis, addresses);
  }
}
