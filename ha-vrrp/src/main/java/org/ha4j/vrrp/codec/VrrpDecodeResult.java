package org.ha4j.vrrp.codec;

import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * What {@link VrrpDecoder} made of one received IPv4 packet: an {@link Accepted} advertisement, or
 * a {@link Rejected} packet with the named rule it broke. Never both, never an exception.
 */
public sealed interface VrrpDecodeResult
    permits VrrpDecodeResult.Accepted, VrrpDecodeResult.Rejected {

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
