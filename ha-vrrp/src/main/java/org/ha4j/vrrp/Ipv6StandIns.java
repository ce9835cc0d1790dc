package org.ha4j.vrrp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpIpv6Advertisement;
import org.ha4j.vrrp.codec.VrrpWireFormat;

/**
 * How an IPv6 instance's addresses look to the protocol core, which names routers and VIPs with
 * IPv4 values: each VIP gets a fixed stand-in, and each advert source one that compares with our
 * own ({@link #SELF}) as the real addresses compare, which is the only comparison the core makes
 * (RFC 9568 §6.4.3: on equal priority the higher primary address wins). The stand-ins never leave
 * the process: the ports translate them back before anything reaches the wire or the kernel.
 *
 * <p>Thread-safety: any thread; the display memory of sources is guarded.
 */
final class Ipv6StandIns {

  /** This router's own source address, the middle of the range so both sides have room. */
  static final Ipv4Address SELF = Ipv4Address.ofBits(0x80000000);

  /** VIP stand-ins lie in 0.0.0.0/8, which no router ever sends from. */
  private static final int FIRST_VIP = 1;

  /** A VIP a peer advertises that we do not hold: 0.255.0.0/16. */
  private static final int FIRST_FOREIGN_VIP = 0x00ff0000;

  /** Sources remembered for display ({@link #realSource}); the stand-ins need no memory. */
  private static final int REMEMBERED_SOURCES = 256;

  private final List<IpCidr> held;
  private final int virtualCount;
  private final IpAddress self;
  private final Map<Ipv4Address, IpAddress> sourcesBack =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Ipv4Address, IpAddress> eldest) {
          return size() > REMEMBERED_SOURCES;
        }
      };

  /**
   * @param virtual the VIPs, carried in adverts
   * @param excluded {@code virtual_ipaddress_excluded}: held with the VIPs, never advertised
   * @param self the address our adverts come from
   */
  Ipv6StandIns(List<IpCidr> virtual, List<IpCidr> excluded, IpAddress self) {
    List<IpCidr> all = new ArrayList<>(virtual);
    all.addAll(excluded);
    this.held = List.copyOf(all);
    this.virtualCount = virtual.size();
    this.self = self;
  }

  /** The stand-ins of the VIPs, in configuration order. */
  List<Ipv4Cidr> virtualStandIns() {
    return standIns(0, virtualCount);
  }

  /** The stand-ins of the excluded addresses. */
  List<Ipv4Cidr> excludedStandIns() {
    return standIns(virtualCount, held.size());
  }

  private List<Ipv4Cidr> standIns(int from, int to) {
    List<Ipv4Cidr> standIns = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      standIns.add(new Ipv4Cidr(Ipv4Address.ofBits(FIRST_VIP + i), 32));
    }
    return standIns;
  }

  /** The real IPv6 addresses behind VIP stand-ins; an unknown stand-in is a bug. */
  List<IpCidr> real(List<Ipv4Cidr> standIns) {
    List<IpCidr> real = new ArrayList<>(standIns.size());
    for (Ipv4Cidr standIn : standIns) {
      int index = standIn.address().bits() - FIRST_VIP;
      if (index < 0 || index >= held.size()) {
        throw new IllegalStateException("no IPv6 VIP behind stand-in " + standIn);
      }
      real.add(held.get(index));
    }
    return real;
  }

  /** The real VIPs, IPv6, in configuration order. */
  List<IpAddress> virtualAddresses() {
    return held.subList(0, virtualCount).stream().map(IpCidr::address).toList();
  }

  IpAddress self() {
    return self;
  }

  /**
   * The stand-in of an advert's source: {@link #SELF} for ours, else a value above or below it as
   * the real address is above or below ours, derived from the address alone (a hash in 30 bits), so
   * adverts from ever new sources, hostile ones included, cost no memory. Two routers of one link
   * would share a stand-in only if their hashes collided (about one in a billion per pair).
   */
  Ipv4Address source(IpAddress source) {
    if (source.equals(self)) {
      return SELF;
    }
    int distance = 1 + (mix(Arrays.hashCode(source.toBytes())) & 0x3fffffff);
    boolean above = Arrays.compareUnsigned(source.toBytes(), self.toBytes()) > 0;
    Ipv4Address standIn = Ipv4Address.ofBits(SELF.bits() + (above ? distance : -distance));
    synchronized (sourcesBack) {
      sourcesBack.put(standIn, source);
    }
    return standIn;
  }

  /** Spreads a hash's bits (the murmur3 finaliser), so near addresses land far apart. */
  private static int mix(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** The real address behind a source stand-in, if it is ours or one seen lately. */
  Optional<IpAddress> realSource(Ipv4Address standIn) {
    if (standIn.equals(SELF)) {
      return Optional.of(self);
    }
    synchronized (sourcesBack) {
      return Optional.ofNullable(sourcesBack.get(standIn));
    }
  }

  /** The IPv6 advert the core's VRRPv3 advert stands for. */
  VrrpIpv6Advertisement toIpv6(VrrpAdvertisement advert) {
    return new VrrpIpv6Advertisement(
        advert.virtualRouterId(),
        advert.priority(),
        advert.advertIntervalCentis(),
        real(advert.addresses().stream().map(address -> new Ipv4Cidr(address, 32)).toList())
            .stream()
            .map(IpCidr::address)
            .toList());
  }

  /**
   * The core's view of a decoded IPv6 packet: an accepted one as an IPv4 VRRPv3 advert from the
   * source's stand-in; a rejection unchanged.
   */
  VrrpDecodeResult toCoreView(VrrpDecodeResult result) {
    if (!(result instanceof VrrpDecodeResult.AcceptedIpv6 accepted)) {
      return result;
    }
    VrrpIpv6Advertisement advert = accepted.advertisement();
    List<Ipv4Address> addresses = new ArrayList<>(advert.addresses().size());
    int foreign = FIRST_FOREIGN_VIP;
    for (IpAddress address : advert.addresses()) {
      int index = virtualAddresses().indexOf(address);
      addresses.add(Ipv4Address.ofBits(index >= 0 ? FIRST_VIP + index : foreign++));
    }
    return new VrrpDecodeResult.Accepted(
        VrrpAdvertisement.v3(
            advert.virtualRouterId(),
            advert.priority(),
            advert.maxAdvertIntervalCentis(),
            addresses),
        source(accepted.source()),
        VrrpWireFormat.MULTICAST_GROUP,
        accepted.hopLimit(),
        accepted.checksum(),
        accepted.ownerAddressListMismatch());
  }
}
