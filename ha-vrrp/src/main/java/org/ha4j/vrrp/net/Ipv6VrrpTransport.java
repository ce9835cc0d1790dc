package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpIpv6Advertisement;
import org.ha4j.vrrp.codec.VrrpWireFormat;

/**
 * VRRPv3 over IPv6 on one interface (RFC 9568 §5.1.2): adverts from the interface's link-local
 * address (or {@code unicast_src_ip}) to ff02::12, or to each unicast peer, always with hop limit
 * 255 (§5.1.2.3), multicast loop off; received on the same socket, which joined ff02::12 on that
 * interface only.
 *
 * <p>One socket serves both ways: unlike IPv4, an IPv6 raw socket bound to a unicast address still
 * receives the groups it joined. It never hands over the IPv6 header, so {@link #receive} rebuilds
 * the 40 bytes the decoder checks (hop limit and destination from the ancillary data, the source
 * from the sender's address), and the decoder keeps its named rejections.
 *
 * <p>Thread-safety: one thread receives, any thread sends.
 */
public final class Ipv6VrrpTransport {

  /** The adverts' hop limit, RFC 9568 §5.1.2.3; a receiver drops any other. */
  public static final int HOP_LIMIT = 255;

  private final String interfaceName;
  private final int interfaceIndex;
  private final IpAddress source;
  private final List<IpAddress> unicastPeers;
  private final RawIpv6Socket socket;
  private final byte[] buffer = new byte[65_536];

  private Ipv6VrrpTransport(
      String interfaceName,
      int interfaceIndex,
      IpAddress source,
      List<IpAddress> unicastPeers,
      RawIpv6Socket socket) {
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.source = source;
    this.unicastPeers = unicastPeers;
    this.socket = socket;
  }

  /**
   * Opens the socket; needs CAP_NET_RAW.
   *
   * @param source the link-local address of the interface, or {@code unicast_src_ip}
   * @param unicastPeers empty for multicast
   */
  public static Ipv6VrrpTransport open(
      String interfaceName, int interfaceIndex, IpAddress source, List<IpAddress> unicastPeers)
      throws IOException {
    Objects.requireNonNull(source, "source");
    List<IpAddress> peers = List.copyOf(unicastPeers);
    if (!source.isIpv6() || peers.stream().anyMatch(peer -> !peer.isIpv6())) {
      throw new IllegalArgumentException(
          "IPv6 VRRP needs IPv6 addresses, got " + source + " -> " + peers);
    }
    RawIpv6Socket socket = LinuxNetwork.openRawIpv6(VrrpTransport.IPPROTO_VRRP);
    try {
      socket.bindToDevice(interfaceName);
      socket.setMulticastInterface(interfaceIndex);
      socket.setMulticastHops(HOP_LIMIT);
      socket.setUnicastHops(HOP_LIMIT);
      socket.setMulticastLoop(false);
      socket.receiveHeaderFields();
      // Free bind: unicast_src_ip may be configured before the address is up.
      socket.setFreeBind(true);
      socket.bind(source, interfaceIndex);
      if (peers.isEmpty()) {
        socket.joinGroup(VrrpWireFormat.IPV6_MULTICAST_GROUP, interfaceIndex);
      }
      return new Ipv6VrrpTransport(interfaceName, interfaceIndex, source, peers, socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The address adverts are sent from. */
  public IpAddress sourceAddress() {
    return source;
  }

  /** The unicast peers; empty in multicast mode. */
  public List<IpAddress> unicastPeers() {
    return unicastPeers;
  }

  /**
   * Sends {@code advertisement} to the group or to every peer, each with the checksum over its own
   * pseudo-header (RFC 9568 §5.2.8: the destination is part of it). One unreachable peer does not
   * keep it from the others; the first failure is thrown after all were tried.
   */
  public void send(VrrpIpv6Advertisement advertisement) throws IOException {
    if (unicastPeers.isEmpty()) {
      sendTo(advertisement, VrrpWireFormat.IPV6_MULTICAST_GROUP);
      return;
    }
    IOException first = null;
    for (IpAddress peer : unicastPeers) {
      try {
        sendTo(advertisement, peer);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void sendTo(VrrpIpv6Advertisement advertisement, IpAddress destination)
      throws IOException {
    byte[] message = message(advertisement, destination);
    socket.send(message, message.length, destination, interfaceIndex);
  }

  /** The VRRP message (no IPv6 header) for {@code destination}, its checksum over that address. */
  private byte[] message(VrrpIpv6Advertisement advertisement, IpAddress destination) {
    byte[] packet = VrrpEncoder.encodeIpv6Packet(advertisement, source, destination, HOP_LIMIT, 0);
    return java.util.Arrays.copyOfRange(packet, VrrpWireFormat.IPV6_HEADER_LENGTH, packet.length);
  }

  /** The group, or the unicast peers in order: where {@link #messages} go. */
  public IpAddress[] destinations() {
    return unicastPeers.isEmpty()
        ? new IpAddress[] {VrrpWireFormat.IPV6_MULTICAST_GROUP}
        : unicastPeers.toArray(IpAddress[]::new);
  }

  /** One message per {@link #destinations()} entry, as {@link #send} sends them. */
  public byte[][] messages(VrrpIpv6Advertisement advertisement) {
    IpAddress[] to = destinations();
    byte[][] all = new byte[to.length][];
    for (int i = 0; i < to.length; i++) {
      all[i] = message(advertisement, to[i]);
    }
    return all;
  }

  /**
   * A {@link ScheduledSender} on this transport's socket (source, hop limit, interface as its own
   * sends). Close it before this transport.
   */
  public ScheduledSender openScheduledSender(int entries) throws IOException {
    return LinuxNetwork.openScheduledSender(socket, interfaceIndex, entries);
  }

  /**
   * Waits up to {@code timeoutMillis} for one packet.
   *
   * @return the IPv6 packet as the decoder takes it (header rebuilt from what the kernel reported,
   *     then the VRRP message); null if nothing arrived in time
   */
  /** Whether a packet waits to be received, without waiting or taking it. */
  public boolean hasUnread() throws IOException {
    return socket.hasUnread();
  }

  public byte[] receive(int timeoutMillis) throws IOException {
    RawIpv6Socket.Received received = socket.receive(buffer, timeoutMillis);
    if (received == null) {
      return null;
    }
    return rebuildPacket(received, buffer);
  }

  /**
   * The 40-byte IPv6 header (RFC 8200 §3) of a packet whose payload the socket delivered: version
   * 6, payload length, next header 112, the hop limit, source and destination. A hop limit the
   * kernel did not report is written as 0, so the decoder rejects it as not 255.
   */
  static byte[] rebuildPacket(RawIpv6Socket.Received received, byte[] payload) {
    int header = VrrpWireFormat.IPV6_HEADER_LENGTH;
    byte[] packet = new byte[header + received.length()];
    packet[0] = 0x60;
    packet[4] = (byte) (received.length() >>> 8);
    packet[5] = (byte) received.length();
    packet[6] = (byte) VrrpTransport.IPPROTO_VRRP;
    packet[7] = (byte) Math.max(0, received.hopLimit());
    System.arraycopy(received.source().toBytes(), 0, packet, 8, 16);
    if (received.destination() != null) {
      System.arraycopy(received.destination().toBytes(), 0, packet, 24, 16);
    }
    System.arraycopy(payload, 0, packet, header, received.length());
    return packet;
  }

  public void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return "VRRPv3 on "
        + interfaceName
        + " from "
        + source
        + (unicastPeers.isEmpty()
            ? " to " + VrrpWireFormat.IPV6_MULTICAST_GROUP
            : " to " + unicastPeers);
  }
}
