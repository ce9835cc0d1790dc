package org.ha4j.vrrp.codec;

import java.util.Objects;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * What {@link VrrpDecoder} made of one received packet: an {@link Accepted} advertisement (IPv4,
 * VRRPv2 or VRRPv3), an {@link AcceptedIpv6} one (only from {@link VrrpDecoder#decodeIpv6}), or a
 * {@link Rejected} packet with the named rule it broke. Never both, never an exception.
 */
public sealed interface VrrpDecodeResult
    permits VrrpDecodeResult.Accepted, VrrpDecodeResult.AcceptedIpv6, VrrpDecodeResult.Rejected {

  /** Whether this is an {@link Accepted} result. */
  boolean isAccepted();

  /**
   * A packet that passed every check the receiver asked for.
   *
   * @param advertisement the decoded advertisement
   * @param source the IPv4 source: the sender's primary address (RFC 3768 §5.2.1), which breaks
   *     priority ties (§6.4.3)
   * @param destination the IPv4 destination: 224.0.0.18, or this host for unicast peers
   * @param ttl the IPv4 TTL (255 unless {@link ReceiveExpectations} waived the check)
   * @param checksum the VRRP checksum as received (it verified)
   * @param ownerAddressListMismatch true when the addresses differ from the configured ones but the
   *     sender is the owner (priority 255): RFC 3768 §7.1 says log it and carry on
   */
  record Accepted(
      VrrpAdvertisement advertisement,
      Ipv4Address source,
      Ipv4Address destination,
      int ttl,
      int checksum,
      boolean ownerAddressListMismatch)
      implements VrrpDecodeResult {

    public Accepted {
      Objects.requireNonNull(advertisement, "advertisement");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
    }

    @Override
    public boolean isAccepted() {
      return true;
    }
  }

  /**
   * An IPv6 packet that passed every check the receiver asked for.
   *
   * @param advertisement the decoded VRRPv3 advertisement
   * @param source the IPv6 source: the sender's link-local address for multicast (RFC 9568
   *     §5.1.2.1), which breaks priority ties
   * @param destination ff02::12, or this host for unicast peers
   * @param hopLimit the IPv6 hop limit (255 unless {@link ReceiveExpectations} waived the check)
   * @param checksum the VRRP checksum as received (it verified)
   * @param trafficClass the IPv6 traffic class (keepalived sends 0xc0)
   * @param flowLabel the IPv6 flow label (the sender's kernel chooses it)
   * @param ownerAddressListMismatch as in {@link Accepted#ownerAddressListMismatch()}
   */
  record AcceptedIpv6(
      VrrpIpv6Advertisement advertisement,
      IpAddress source,
      IpAddress destination,
      int hopLimit,
      int checksum,
      int trafficClass,
      int flowLabel,
      boolean ownerAddressListMismatch)
      implements VrrpDecodeResult {

    public AcceptedIpv6 {
      Objects.requireNonNull(advertisement, "advertisement");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
    }

    @Override
    public boolean isAccepted() {
      return true;
    }
  }

  /**
   * A packet that was dropped, and why. The two numbers are what the packet had and what was
   * wanted, in the units of the reason (see {@link #detail()}); the text is only built when asked
   * for, so counting a rejection allocates nothing but this record.
   *
   * @param reason the rule the packet broke
   * @param actual the offending value as received (for example the TTL)
   * @param expected the value that was required, or the bound that was crossed
   */
  record Rejected(VrrpRejectReason reason, int actual, int expected) implements VrrpDecodeResult {

    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean isAccepted() {
      return false;
    }

    /**
     * A short description of this packet's fault, e.g. {@code TTL 64, must be 255}; never a
     * password.
     */
    public String detail() {
      return reason.detail(actual, expected);
    }

    /** {@code TTL_NOT_255 (RFC 3768 §5.2.3/§7.1) TTL 64, must be 255}. */
    @Override
    public String toString() {
      return reason.logText() + " " + detail();
    }
  }
}
