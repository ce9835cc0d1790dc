package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.net.IpAddress;

/**
 * Unsolicited neighbour advertisements, IPv6's gratuitous ARP (RFC 9568 §6.4.2 "send an unsolicited
 * ND Neighbor Advertisement ... for each IPv6 address", RFC 4861 §7.2.6): on becoming master, tell
 * the link that each VIP now lives at this interface's MAC. Sent to all-nodes (ff02::1) from the
 * VIP itself, as keepalived 2.2.7 and the kernel's own unsolicited advertisements send it, with hop
 * limit 255 (a receiver drops any other, §7.1.2), the Override flag set and Solicited clear, so
 * neighbours replace the cached MAC, and the target link-layer address option carrying the MAC.
 *
 * <p>One ICMPv6 raw socket per VIP, bound to it (the source of a raw IPv6 socket is its binding),
 * opened at the first announcement; the kernel fills in the checksum (RFC 3542 §3.1), so the
 * message is sent with a zero one.
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

  private final String interfaceName;
  private final int interfaceIndex;
  private final byte[] mac;
  private final Map<IpAddress, RawIpv6Socket> sockets = new ConcurrentHashMap<>();

  /** Sends from {@code interfaceName}; needs CAP_NET_RAW at the first announcement. */
  public NeighbourAdvertisement(String interfaceName, int interfaceIndex, byte[] mac) {
    if (mac.length != 6) {
      throw new IllegalArgumentException("an Ethernet MAC has 6 bytes, got " + mac.length);
    }
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.mac = mac.clone();
  }

  private RawIpv6Socket socketFor(IpAddress address) throws IOException {
    RawIpv6Socket known = sockets.get(address);
    if (known != null) {
      return known;
    }
    RawIpv6Socket socket = LinuxNetwork.openRawIpv6(IPPROTO_ICMPV6);
    try {
      socket.bindToDevice(interfaceName);
      socket.setMulticastInterface(interfaceIndex);
      socket.setMulticastHops(HOP_LIMIT);
      socket.setMulticastLoop(false);
      // the socket only sends: no queue of received ICMPv6 should grow behind it
      socket.setReceiveBufferSize(256);
      socket.setFreeBind(true);
      socket.bind(address, interfaceIndex);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    sockets.put(address, socket);
    return socket;
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
        socketFor(address).send(message, message.length, ALL_NODES, interfaceIndex);
      }
    }
  }

  @Override
  public void close() {
    sockets.values().forEach(RawIpv6Socket::close);
    sockets.clear();
  }
}
