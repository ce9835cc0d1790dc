package org.ha4j.vrrp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.driver.AddressAnnouncer;
import org.ha4j.vrrp.driver.AdvertQueue;
import org.ha4j.vrrp.driver.AdvertisementSender;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.net.Ipv6VrrpTransport;
import org.ha4j.vrrp.net.NeighbourAdvertisement;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's ports for an IPv6 instance (always VRRPv3, RFC 9568): adverts over {@link
 * Ipv6VrrpTransport}, VIPs added and removed over netlink with {@code IFA_F_NODAD}, unsolicited
 * {@link NeighbourAdvertisement}s where IPv4 sends gratuitous ARP (same bursts and refresh, from
 * the {@code garp_master_*} settings). Every port translates the core's stand-ins ({@link
 * Ipv6StandIns}) to the real addresses.
 */
final class Ipv6Ports implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Ipv6Ports.class);

  /** What the instance was configured with. */
  record Settings(
      List<IpCidr> virtual,
      List<IpCidr> excluded,
      IpAddress unicastSource,
      List<IpAddress> unicastPeers) {}

  private final String name;
  private final RouteNetlink netlink;
  private final int interfaceIndex;
  private final Ipv6StandIns standIns;
  private final Ipv6VrrpTransport transport;
  private final NeighbourAdvertisement neighbourAdvertisement;
  private final TransportConfig transportConfig;

  private Ipv6Ports(
      String name,
      RouteNetlink netlink,
      int interfaceIndex,
      Ipv6StandIns standIns,
      Ipv6VrrpTransport transport,
      NeighbourAdvertisement neighbourAdvertisement,
      TransportConfig transportConfig) {
    this.name = name;
    this.netlink = netlink;
    this.interfaceIndex = interfaceIndex;
    this.standIns = standIns;
    this.transport = transport;
    this.neighbourAdvertisement = neighbourAdvertisement;
    this.transportConfig = transportConfig;
  }

  /**
   * Opens the sockets on {@code link}: the adverts' source is {@code unicast_src_ip} or the link's
   * link-local address (RFC 9568 §5.1.2.1), which must be past duplicate address detection.
   */
  static Ipv6Ports open(
      String name, String interfaceName, RouteNetlink netlink, LinkInfo link, Settings settings)
      throws IOException {
    IpAddress source =
        settings.unicastSource() != null
            ? settings.unicastSource()
            : netlink
                .linkLocalAddress(link.index())
                .orElseThrow(
                    () ->
                        new IOException(
                            "("
                                + name
                                + ") interface "
                                + interfaceName
                                + " has no usable IPv6 link-local address to send advertisements"
                                + " from (none, or still tentative: duplicate address detection)"));
    Ipv6StandIns standIns = new Ipv6StandIns(settings.virtual(), settings.excluded(), source);
    List<Ipv4Address> peerStandIns = new ArrayList<>();
    for (IpAddress peer : settings.unicastPeers()) {
      peerStandIns.add(standIns.source(peer));
    }
    TransportConfig transportConfig =
        new TransportConfig(interfaceName, link.index(), Ipv6StandIns.SELF, peerStandIns);
    Ipv6VrrpTransport transport =
        Ipv6VrrpTransport.open(interfaceName, link.index(), source, settings.unicastPeers());
    NeighbourAdvertisement na =
        new NeighbourAdvertisement(interfaceName, link.index(), link.hardwareAddress());
    return new Ipv6Ports(name, netlink, link.index(), standIns, transport, na, transportConfig);
  }

  Ipv6StandIns standIns() {
    return standIns;
  }

  /** The transport's view for source checks: our stand-in and the peers'. */
  TransportConfig transportConfig() {
    return transportConfig;
  }

  IpAddress sourceAddress() {
    return transport.sourceAddress();
  }

  AdvertisementSender adverts() {
    return advert -> transport.send(standIns.toIpv6(advert));
  }

  /** A kernel queue on the advert socket, or none (see {@link KernelPacedAdverts}). */
  AdvertQueue kernelQueue() {
    return KernelPacedAdverts.open(
        name,
        transport::openScheduledSender,
        advert -> transport.messages(standIns.toIpv6(advert)),
        transport.destinations());
  }

  AddressAnnouncer announcer() {
    return (addresses, repeat) ->
        neighbourAdvertisement.announce(
            standIns.real(addresses).stream().map(IpCidr::address).toList(), repeat);
  }

  VirtualAddressTable addresses() {
    return new VirtualAddressTable() {
      @Override
      public void add(List<Ipv4Cidr> addresses) throws IOException {
        change(addresses, true);
      }

      @Override
      public void remove(List<Ipv4Cidr> addresses) throws IOException {
        change(addresses, false);
      }
    };
  }

  /** Adds or removes each address, trying them all; throws the first failure after. */
  private void change(List<Ipv4Cidr> standInList, boolean add) throws IOException {
    IOException first = null;
    List<IpCidr> changed = new ArrayList<>();
    for (IpCidr address : standIns.real(standInList)) {
      try {
        boolean done =
            add
                ? netlink.addIpv6Address(interfaceIndex, address)
                : netlink.removeIpv6Address(interfaceIndex, address);
        if (done) {
          changed.add(address);
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (!changed.isEmpty() || add) {
      log.info("({}) {} VIPs {}", name, add ? "added" : "removed", changed);
    }
    if (first != null) {
      throw first;
    }
  }

  AdvertReceiver.PacketSource packets() {
    return AdvertReceiver.PacketSource.of(transport::receive, transport::hasUnread);
  }

  /**
   * Decodes with RFC 9568 §7.1's checks on the real addresses (hop limit 255 in multicast, as for
   * the IPv4 TTL), then hands the core its stand-in view.
   */
  AdvertReceiver.PacketDecoder decoder(VrrpRouterConfig config) {
    ReceiveExpectations expectations =
        ReceiveExpectations.builder()
            .version(config.version())
            .virtualRouterId(config.virtualRouterId())
            .localAddressOwner(config.isAddressOwner())
            .ipv6Addresses(standIns.virtualAddresses())
            .requireTtl255(!transportConfig.isUnicast())
            .build();
    return new AdvertReceiver.PacketDecoder() {
      @Override
      public VrrpDecodeResult decode(byte[] packet) {
        return standIns.toCoreView(VrrpDecoder.decodeIpv6(packet, 0, packet.length, expectations));
      }

      @Override
      public Ipv4Address sourceOf(byte[] packet) {
        // a rejected IPv6 packet's source has no IPv4 name; the drop counter shows none
        return null;
      }
    };
  }

  @Override
  public void close() {
    transport.close();
    neighbourAdvertisement.close();
  }

  @Override
  public String toString() {
    return transport.toString();
  }
}
