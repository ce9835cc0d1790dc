package org.ha4j.vrrp.codec;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * What a receiver checks beyond the wire format: the receiver's side of RFC 3768 §7.1. Immutable
 * and thread-safe; build one per virtual router (or use {@link #matching(VrrpAdvertisement)}) and
 * reuse it for every packet.
 *
 * <p>Every expectation is optional: one left unset is not checked. {@link #permissive()} sets none,
 * which is what the {@code ./ha4j decode} command uses by default: the packet must be a well-formed
 * VRRPv2 advertisement sent with TTL 255, nothing more; {@link #permissiveAnyVersion()} takes the
 * version, 2 or 3, from the packet itself.
 *
 * <p>The VRRP version is the one expectation that is always set (VRRPv2 unless told otherwise): a
 * router speaks one version, and the other one's adverts are a mixed group it must not ignore
 * silently ({@link VrrpRejectReason#VERSION_NOT_2}, {@link VrrpRejectReason#VERSION_NOT_3}). The
 * authentication and the interval apply to VRRPv2 packets only: VRRPv3 has no authentication (RFC
 * 9568 §9) and a backup learns the master's interval instead of requiring its own (§6.4.2).
 */
public final class ReceiveExpectations {

  private static final ReceiveExpectations PERMISSIVE = builder().build();
  private static final ReceiveExpectations PERMISSIVE_ANY_VERSION = builder().anyVersion().build();

  /** {@link #version()} when either version is accepted. */
  public static final int ANY_VERSION = 0;

  private final int version; // 2, 3, or ANY_VERSION
  private final BitSet virtualRouterIds; // empty = any
  private final boolean localAddressOwner;
  private final VrrpAuthentication authentication; // null = not checked
  private final int advertIntervalSeconds; // 0 = not checked
  private final int[] addressBits; // null = not checked; distinct
  private final boolean requireTtl255;
  private final List<IpAddress> ipv6Addresses; // null = not checked; distinct

  private ReceiveExpectations(Builder builder) {
    this.version = builder.version;
    this.ipv6Addresses = builder.ipv6Addresses;
    this.virtualRouterIds = (BitSet) builder.virtualRouterIds.clone();
    this.localAddressOwner = builder.localAddressOwner;
    this.authentication = builder.authentication;
    this.advertIntervalSeconds = builder.advertIntervalSeconds;
    this.addressBits =
        builder.addresses == null
            ? null
            : builder.addresses.stream().mapToInt(Ipv4Address::bits).toArray();
    this.requireTtl255 = builder.requireTtl255;
  }

  /**
   * Checks only the wire format and the TTL; any VRID, auth, interval and address list is accepted.
   */
  public static ReceiveExpectations permissive() {
    return PERMISSIVE;
  }

  /** Like {@link #permissive()}, but the VRRP version, 2 or 3, is taken from the packet. */
  public static ReceiveExpectations permissiveAnyVersion() {
    return PERMISSIVE_ANY_VERSION;
  }

  /**
   * What a router configured with {@code local} expects from its peers: the same version, VRID and
   * addresses, and for VRRPv2 the same authentication and interval; and, when {@code local} has
   * priority 255, that it owns the addresses and so discards every advert (RFC 3768 §7.1).
   */
  public static ReceiveExpectations matching(VrrpAdvertisement local) {
    Builder builder =
        builder()
            .version(local.version())
            .virtualRouterId(local.virtualRouterId())
            .addresses(local.addresses())
            .localAddressOwner(local.priority() == VrrpWireFormat.OWNER_PRIORITY);
    if (!local.isV3()) {
      builder
          .authentication(local.authentication())
          .advertIntervalSeconds(local.advertIntervalSeconds());
    }
    return builder.build();
  }

  /** What an IPv6 router configured with {@code local} expects from its peers (RFC 9568 §7.1). */
  public static ReceiveExpectations matching(VrrpIpv6Advertisement local) {
    return builder()
        .version(VrrpWireFormat.VERSION_3)
        .virtualRouterId(local.virtualRouterId())
        .ipv6Addresses(local.addresses())
        .localAddressOwner(local.priority() == VrrpWireFormat.OWNER_PRIORITY)
        .build();
  }

  /** The VRRP version required, 2 or 3, or {@link #ANY_VERSION}. */
  public int version() {
    return version;
  }

  /** The configured IPv6 addresses, empty when the IPv6 address list is not checked. */
  public Optional<List<IpAddress>> ipv6Addresses() {
    return Optional.ofNullable(ipv6Addresses);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether adverts for this VRID are wanted: it was configured, or no VRID was configured at all.
   */
  public boolean acceptsVirtualRouterId(int virtualRouterId) {
    return virtualRouterIds.isEmpty()
        || (virtualRouterId >= 1
            && virtualRouterId <= 255
            && virtualRouterIds.get(virtualRouterId));
  }

  /** The configured VRIDs, empty when any is accepted. */
  public Set<Integer> virtualRouterIds() {
    return virtualRouterIds.stream().boxed().collect(Collectors.toUnmodifiableSet());
  }

  public boolean localAddressOwner() {
    return localAddressOwner;
  }

  public Optional<VrrpAuthentication> authentication() {
    return Optional.ofNullable(authentication);
  }

  public OptionalInt advertIntervalSeconds() {
    return advertIntervalSeconds == 0 ? OptionalInt.empty() : OptionalInt.of(advertIntervalSeconds);
  }

  /** The configured addresses in the order given, empty when the address list is not checked. */
  public Optional<List<Ipv4Address>> addresses() {
    if (addressBits == null) {
      return Optional.empty();
    }
    List<Ipv4Address> list = new ArrayList<>(addressBits.length);
    for (int bits : addressBits) {
      list.add(Ipv4Address.ofBits(bits));
    }
    return Optional.of(List.copyOf(list));
  }

  public boolean requireTtl255() {
    return requireTtl255;
  }

  // Package-private fast paths for the decoder: no Optional, no boxing.

  VrrpAuthentication authenticationOrNull() {
    return authentication;
  }

  int advertIntervalOrZero() {
    return advertIntervalSeconds;
  }

  int[] addressBitsOrNull() {
    return addressBits;
  }

  List<IpAddress> ipv6AddressesOrNull() {
    return ipv6Addresses;
  }

  @Override
  public String toString() {
    return "ReceiveExpectations[version="
        + (version == ANY_VERSION ? "any" : version)
        + ", vrids="
        + (virtualRouterIds.isEmpty() ? "any" : virtualRouterIds)
        + ", owner="
        + localAddressOwner
        + ", auth="
        + (authentication == null ? "unchecked" : authentication)
        + ", advertInterval="
        + (advertIntervalSeconds == 0 ? "unchecked" : advertIntervalSeconds + "s")
        + ", addresses="
        + addresses().map(Object::toString).orElse("unchecked")
        + ", ttl255="
        + requireTtl255
        + "]";
  }

  /** Builds {@link ReceiveExpectations}; every setting is optional. Not thread-safe. */
  public static final class Builder {

    private final BitSet virtualRouterIds = new BitSet(256);
    private boolean localAddressOwner;
    private VrrpAuthentication authentication;
    private int advertIntervalSeconds;
    private List<Ipv4Address> addresses;
    private boolean requireTtl255 = true;
    private int version = VrrpWireFormat.VERSION;
    private List<IpAddress> ipv6Addresses;

    private Builder() {}

    /** Requires this VRRP version, 2 (the default) or 3. */
    public Builder version(int required) {
      if (required != VrrpWireFormat.VERSION && required != VrrpWireFormat.VERSION_3) {
        throw new IllegalArgumentException("VRRP version must be 2 or 3, got " + required);
      }
      this.version = required;
      return this;
    }

    /** Accepts VRRPv2 and VRRPv3, each by its own rules, as the packet's version nibble says. */
    public Builder anyVersion() {
      this.version = ANY_VERSION;
      return this;
    }

    /**
     * Requires an IPv6 advert to list exactly these addresses, in any order (RFC 9568 §7.1);
     * duplicates are ignored; at most 255.
     */
    public Builder ipv6Addresses(Collection<IpAddress> expected) {
      List<IpAddress> distinct = distinctFittingAnAdvert(expected);
      for (IpAddress address : distinct) {
        if (!address.isIpv6()) {
          throw new IllegalArgumentException("not an IPv6 address: " + address);
        }
      }
      this.ipv6Addresses = distinct;
      return this;
    }

    /**
     * Accepts adverts for this VRID (RFC 3768 §7.1 "the VRID is configured on the receiving
     * interface"). Call it once per VRID served on the interface; the other expectations then apply
     * to each of them. Never called: any VRID is accepted.
     */
    public Builder virtualRouterId(int virtualRouterId) {
      if (virtualRouterId < 1 || virtualRouterId > 255) {
        throw new IllegalArgumentException(
            "virtual router id must be 1-255, got " + virtualRouterId);
      }
      virtualRouterIds.set(virtualRouterId);
      return this;
    }

    /**
     * This router owns the addresses (priority 255), so it discards every advert (RFC 3768 §7.1).
     */
    public Builder localAddressOwner(boolean owner) {
      this.localAddressOwner = owner;
      return this;
    }

    /**
     * Requires this auth type, and for a simple password these 8 bytes (RFC 3768 §5.3.6, §7.1).
     * {@link VrrpAuthentication#none()} requires type 0.
     */
    public Builder authentication(VrrpAuthentication expected) {
      this.authentication = Objects.requireNonNull(expected, "authentication");
      return this;
    }

    /** Requires this advertisement interval, 1-255 s (RFC 3768 §7.1). */
    public Builder advertIntervalSeconds(int seconds) {
      if (seconds < 1 || seconds > 255) {
        throw new IllegalArgumentException("advert interval must be 1-255 s, got " + seconds);
      }
      this.advertIntervalSeconds = seconds;
      return this;
    }

    /**
     * Requires the advert to list exactly these addresses, in any order (RFC 3768 §7.1, the MAY
     * check; keepalived 2.2.7 compares count and membership the same way). A mismatch drops the
     * packet unless its sender is the owner. Duplicates are ignored; at most 255 distinct
     * addresses.
     */
    public Builder addresses(Collection<Ipv4Address> expected) {
      this.addresses = distinctFittingAnAdvert(expected);
      return this;
    }

    /**
     * Whether the TTL must be 255 (default true, RFC 3768 §5.2.3 MUST). keepalived waives it for
     * unicast peers, which may be routed; pass false only for such a unicast receiver.
     */
    public Builder requireTtl255(boolean required) {
      this.requireTtl255 = required;
      return this;
    }

    private static <T> List<T> distinctFittingAnAdvert(Collection<T> expected) {
      List<T> distinct = List.copyOf(new LinkedHashSet<>(expected));
      if (distinct.size() > 255) {
        throw new IllegalArgumentException(
            "at most 255 addresses fit an advert, got " + distinct.size());
      }
      return distinct;
    }

    public ReceiveExpectations build() {
      return new ReceiveExpectations(this);
    }
  }
}
