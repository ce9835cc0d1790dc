package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.PacketSocket;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.driver.AddressAnnouncer;

/**
 * Gratuitous ARP: on becoming Master, tell every host and switch on the LAN that the VIPs now live
 * at this interface's MAC (RFC 3768 §6.4.2 "broadcast a gratuitous ARP request ... for each IP
 * address").
 *
 * <p>Like keepalived ({@code send_gratuitous_arp_immediate}), an ARP <em>request</em> (op 1) to the
 * broadcast MAC with sender and target IP both the VIP and target MAC broadcast: Linux neighbours
 * update an existing entry from it, switches relearn the port from its source MAC. ha4j puts the
 * VIPs on the real NIC with its own MAC, keepalived's default (no {@code use_vmac}).
 */
public final class GratuitousArp implements AddressAnnouncer {

  /** An Ethernet header (14) plus an IPv4-over-Ethernet ARP packet (28), RFC 826. */
  public static final int FRAME_LENGTH = 42;

  static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final int ETH_P_ARP = 0x0806;

  /** Kernel interface indexes start at 1: 0 is never a device. */
  private static final int NO_INTERFACE = 0;

  private final PacketSocket socket;
  private final int interfaceIndex;
  private final byte[] mac;

  public GratuitousArp(PacketSocket socket, int interfaceIndex, byte[] mac) {
    if (mac.length != 6) {
      throw new IllegalArgumentException("an Ethernet MAC has 6 bytes, got " + mac.length);
    }
    this.socket = socket;
    this.interfaceIndex = interfaceIndex;
    this.mac = mac.clone();
  }

  /** The frame announcing {@code address} at {@code mac}. */
  public static byte[] frame(byte[] mac, Ipv4Address address) {
    byte[] frame = new byte[FRAME_LENGTH];
    System.arraycopy(BROADCAST, 0, frame, 0, 6); // destination
    System.arraycopy(mac, 0, frame, 6, 6); // source
    frame[12] = 0x08; // EtherType ARP
    frame[13] = 0x06;
    frame[14] = 0x00; // hardware type Ethernet (1)
    frame[15] = 0x01;
    frame[16] = 0x08; // protocol type IPv4 (0x0800)
    frame[17] = 0x00;
    frame[18] = 6; // hardware address length
    frame[19] = 4; // protocol address length
    frame[20] = 0x00; // operation: request (1)
    frame[21] = 0x01;
    System.arraycopy(mac, 0, frame, 22, 6); // sender MAC
    address.writeTo(frame, 28); // sender IP
    System.arraycopy(BROADCAST, 0, frame, 32, 6); // target MAC
    address.writeTo(frame, 38); // target IP
    return frame;
  }

  /**
   * Sends {@code repeat} rounds of one gratuitous ARP per address; stops at the first refused send.
   */
  @Override
  public void announce(List<Ipv4Cidr> addresses, int repeat) throws IOException {
    List<Ipv4Address> announced = new ArrayList<>(addresses.size());
    for (Ipv4Cidr vip : addresses) {
      announced.add(vip.address());
    }
    for (int i = 0; i < repeat; i++) {
      announce(announced);
    }
  }

  /** Sends one gratuitous ARP per address. */
  public void announce(List<Ipv4Address> addresses) throws IOException {
    for (Ipv4Address address : addresses) {
      socket.send(interfaceIndex, BROADCAST, ETH_P_ARP, frame(mac, address));
    }
  }

  /**
   * Runs the send path once for nothing (for {@link TakeoverRehearsal}), as {@link
   * VirtualAddressManager#rehearseAdd()} does for netlink: a frame for interface index 0, which no
   * interface has, so packet(7) refuses it (ENXIO) and nothing leaves the host. Saves the first
   * takeover the cold call (about 1 to 3 ms measured).
   *
   * @return true when the kernel refused it as expected
   */
  boolean rehearse(Ipv4Address address) {
    try {
      socket.send(NO_INTERFACE, BROADCAST, ETH_P_ARP, frame(mac, address));
      return false; // cannot happen: index 0 names no interface
    } catch (NativeCallException expected) {
      return expected.errno() == Errno.ENXIO;
    } catch (IOException other) {
      return false;
    }
  }
}
