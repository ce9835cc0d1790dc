package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.List;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.net.IpAddress;

/**
 * Unsolicited neighbour advertisements, IPv6's gratuitous ARP (RFC 9568 §6.4.2 "send an unsolicited
 * ND Neighbor Advertisement ... for each IPv6 address", RFC 4861 §7.2.6): on becoming master, tell
 * the link that each VIP now lives at this interface's MAC. Sent to all-nodes (ff02::1) from the
 * interface's link-local address with hop limit 255 (a receiver drops any other, §7.1.2), the
 * Override flag set and Solicited clear, so neighbours replace the cached MAC, and the target
 * link-layer address option carrying the MAC.
 *
 * <p>On an ICMPv6 raw socket the kernel fills in the checksum (RFC 3542 §3.1), so the message is
 * sent with a zero one.
 */
public final class NeighbourAdvertisement implements AutoCloseable {

  /** ICMPv6 type 136 (RFC 4861 §4.4) with one 8-byte option: 24 + 8 bytes. */
  public static final int MESSAGE_LENGTH = 32;

  /** RFC 4861 §4.4 type. */
  static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;

  /** The Override flag, the third bit of the word after the checksum (R=0x80, S=0x40, O=0x20). */
  static final int FLAG_OVERRIDE = 0x20;

  /** RFC 4861 §4.6.1: Target Link-Layer Address. */
  static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;

  static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
  private static final int IPPROTO_ICMPV6 = 58;
  private static final int HOP_LIMIT = 255;

  private final RawIpv6Socket socket;
  private final int interfaceIndex;
  private final byte[] mac;

  private NeighbourAdvertisement(RawIpv6Socket socket, int interfaceIndex, byte[] mac) {
    this.socket = socket;
    this.interfaceIndex = interfaceIndex;
    this.mac = mac;
  }

  /**
   * Opens the ICMPv6 socket; needs CAP_NET_RAW.
   *
   * @param linkLocal the interface's link-local address, the advertisements' source
   */
  public static NeighbourAdvertisement open(
      String interfaceName, int interfaceIndex, IpAddress linkLocal, byte[] mac)
      throws IOException {
    if (mac.length != 6) {
      throw new IllegalArgumentException("an Ethernet MAC has 6 bytes, got " + mac.length);
    }
    RawIpv6Socket socket = LinuxNetwork.openRawIpv6(IPPROTO_ICMPV6);
    try {
      socket.bindToDevice(interfaceName);
      socket.setMulticastInterface(interfaceIndex);
      socket.setMulticastHops(HOP_LIMIT);
      socket.setMulticastLoop(false);
      // the socket only sends: no queue of received ICMPv6 should grow behind it
      socket.setReceiveBufferSize(256);
      socket.bind(linkLocal, interfaceIndex);
      return new NeighbourAdvertisement(socket, interfaceIndex, mac.clone());
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The ICMPv6 message announcing {@code target} at {@code mac} (RFC 4861 §4.4), checksum zero. */
  public static byte[] message(IpAddress target, byte[] mac) {
    if (!target.isIpv6()) {
      throw new IllegalArgumentException("an IPv6 target is needed, got " + target);
    }
    byte[] message = new byte[MESSAGE_LENGTH];
    message[0] = (byte) TYPE_NEIGHBOR_ADVERTISEMENT;
    message[1] = 0; // code
    // [2..3] checksum, filled in by the kernel; [4] R|S|O flags, [5..7] reserved
    message[4] = (byte) FLAG_OVERRIDE;
    System.arraycopy(target.toBytes(), 0, message, 8, 16);
    message[24] = (byte) OPTION_TARGET_LINK_LAYER_ADDRESS;
    message[25] = 1; // option length in units of 8 bytes
    System.arraycopy(mac, 0, message, 26, 6);
    return message;
  }

  /** Sends {@code repeat} rounds of one advertisement per address. */
  public void announce(List<IpAddress> addresses, int repeat) throws IOException {
    for (int i = 0; i < repeat; i++) {
      for (IpAddress address : addresses) {
        byte[] message = message(address, mac);
        socket.send(message, message.length, ALL_NODES, interfaceIndex);
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
