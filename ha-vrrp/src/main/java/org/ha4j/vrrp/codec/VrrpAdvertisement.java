package org.ha4j.vrrp.codec;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * A VRRP ADVERTISEMENT over IPv4 as values: a VRRPv2 one (RFC 3768 §5.3) or a VRRPv3 one (RFC 9568
 * §5.2), without the IP header and without the checksum (which the encoder computes and the decoder
 * verifies). IPv6 adverts, which are VRRPv3 only, are {@link VrrpIpv6Advertisement}.
 *
 * <p>The constructor enforces what the wire format of {@code version} can carry; it does not
 * enforce protocol policy (a priority of 0 is legal here, it means "resigning").
 *
 * @param version 2 or 3, the version nibble (RFC 3768 §5.3.1, RFC 9568 §5.2.1)
 * @param virtualRouterId VRID, 1-255 (§5.3.3)
 * @param priority 0-255; 255 = address owner, 0 = master resigning (§5.3.4)
 * @param authentication the auth type and its 8 data bytes (RFC 3768 §5.3.6); always {@link
 *     VrrpAuthentication#none()} in VRRPv3, which has no authentication (RFC 9568 §9)
 * @param advertIntervalCentis the interval in centiseconds: whole seconds 1-255 (100-25500) in
 *     VRRPv2 (RFC 3768 §5.3.7), 1-4095 in VRRPv3 (Max Adver Int, RFC 9568 §5.2.7)
 * @param addresses the virtual addresses, at most 255 (§5.3.5, §5.3.9); an immutable copy is kept
 */
public record VrrpAdvertisement(
    int version,
    int virtualRouterId,
    int priority,
    VrrpAuthentication authentication,
    int advertIntervalCentis,
    List<Ipv4Address> addresses) {

  public VrrpAdvertisement {
    if (version != VrrpWireFormat.VERSION && version != VrrpWireFormat.VERSION_3) {
      throw new IllegalArgumentException("VRRP version must be 2 or 3, got " + version);
    }
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("virtual router id must be 1-255, got " + virtualRouterId);
    }
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority must be 0-255, got " + priority);
    }
    Objects.requireNonNull(authentication, "authentication");
    if (version == VrrpWireFormat.VERSION) {
      if (advertIntervalCentis % 100 != 0
          || advertIntervalCentis < 100
          || advertIntervalCentis > 25_500) {
        throw new IllegalArgumentException(
            "a VRRPv2 advert interval must be whole seconds 1-255, got "
                + advertIntervalCentis
                + " cs");
      }
    } else {
      VrrpWireFormat.checkV3Interval(advertIntervalCentis);
      if (authentication.type() != VrrpAuthentication.TYPE_NONE) {
        throw new IllegalArgumentException("VRRPv3 has no authentication (RFC 9568 §9)");
      }
    }
    addresses = List.copyOf(addresses);
    if (addresses.size() > 255) {
      throw new IllegalArgumentException("at most 255 addresses fit, got " + addresses.size());
    }
  }

  /**
   * A VRRPv2 advertisement.
   *
   * @param advertIntervalSeconds 1-255 whole seconds (RFC 3768 §5.3.7)
   */
  public VrrpAdvertisement(
      int virtualRouterId,
      int priority,
      VrrpAuthentication authentication,
      int advertIntervalSeconds,
      List<Ipv4Address> addresses) {
    this(
        VrrpWireFormat.VERSION,
        virtualRouterId,
        priority,
        authentication,
        v2IntervalCentis(advertIntervalSeconds),
        addresses);
  }

  /**
   * A VRRPv3 advertisement over IPv4.
   *
   * @param maxAdvertIntervalCentis 1-4095 centiseconds (RFC 9568 §5.2.7)
   */
  public static VrrpAdvertisement v3(
      int virtualRouterId, int priority, int maxAdvertIntervalCentis, List<Ipv4Address> addresses) {
    return new VrrpAdvertisement(
        VrrpWireFormat.VERSION_3,
        virtualRouterId,
        priority,
        VrrpAuthentication.none(),
        maxAdvertIntervalCentis,
        addresses);
  }

  private static int v2IntervalCentis(int seconds) {
    if (seconds < 1 || seconds > 255) {
      throw new IllegalArgumentException("advert interval must be 1-255 s, got " + seconds);
    }
    return seconds * 100;
  }

  /**
   * The VRRPv2 interval in whole seconds.
   *
   * @throws IllegalStateException for a VRRPv3 advert, whose interval is in centiseconds: read
   *     {@link #advertIntervalCentis()}
   */
  public int advertIntervalSeconds() {
    if (version != VrrpWireFormat.VERSION) {
      throw new IllegalStateException(
          "a VRRPv3 interval is in centiseconds (" + advertIntervalCentis + " cs), not seconds");
    }
    return advertIntervalCentis / 100;
  }

  /** Whether this is a VRRPv3 advertisement. */
  public boolean isV3() {
    return version == VrrpWireFormat.VERSION_3;
  }

  /** The same advertisement with another priority, e.g. 0 for the resignation sent on shutdown. */
  public VrrpAdvertisement withPriority(int newPriority) {
    return new VrrpAdvertisement(
        version, virtualRouterId, newPriority, authentication, advertIntervalCentis, addresses);
  }
}
