package org.ha4j.vrrp.codec;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * A VRRPv2 ADVERTISEMENT (RFC 3768 §5.3) as values: what a router announces, without the IP header
 * and without the checksum (which the encoder computes and the decoder verifies).
 *
 * <p>The constructor enforces what the wire format can carry; it does not enforce protocol policy
 * (a priority of 0 is legal here, it means "resigning").
 *
 * @param virtualRouterId VRID, 1-255 (§5.3.3)
 * @param priority 0-255; 255 = address owner, 0 = master resigning (§5.3.4)
 * @param authentication the auth type and its 8 data bytes (§5.3.6)
 * @param advertIntervalSeconds 1-255 whole seconds (§5.3.7)
 * @param addresses the virtual addresses, at most 255 (§5.3.5, §5.3.9); an immutable copy is kept
 */
public record VrrpAdvertisement(
    int virtualRouterId,
    int priority,
    VrrpAuthentication authentication,
    int advertIntervalSeconds,
    List<Ipv4Address> addresses) {

  public VrrpAdvertisement {
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("virtual router id must be 1-255, got " + virtualRouterId);
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be 0-255, got " + priority);
    }
    Objects.requireNonNull(authentication, "authentication");
    if (advertIntervalSeconds < 1 || advertIntervalSeconds > 255) {
      throw new IllegalArgumentException(
          "advert interval must be 1-255 s, got " + advertIntervalSeconds);
    }
    addresses = List.copyOf(addresses);
    if (addresses.size() > 255) {
      throw new IllegalArgumentException("at most 255 addresses fit, got " + addresses.size());
    }
  }

  /** The same advertisement with another priority, e.g. 0 for the resignation sent on shutdown. */
  public VrrpAdvertisement withPriority(int newPriority) {
    return new VrrpAdvertisement(
        virtualRouterId, newPriority, authentication, advertIntervalSeconds, addresses);
  }
}
