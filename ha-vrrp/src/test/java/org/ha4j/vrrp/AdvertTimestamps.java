package org.ha4j.vrrp;

import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.LinuxThreads;
import org.ha4j.core.linux.RawIpSocket;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.net.VrrpTransport;

/**
 * A listener on the wire for {@link KernelPacedAdvertsIT}, run in its own namespace: joins
 * 224.0.0.18 on {@code eth0}, prints {@code READY}, then {@code ADVERT <nanos> <priority>} for each
 * VRRP packet until MILLIS pass, {@code nanos} being {@link System#nanoTime()} (CLOCK_MONOTONIC,
 * the clock the node prints its own times on) when the receive returned.
 *
 * <p>Arguments: MILLIS, then {@code 6} to listen to ff02::12 instead.
 */
final class AdvertTimestamps {

  private AdvertTimestamps() {}

  public static void main(String[] args) throws Exception {
    long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
    int index = LinuxNetwork.interfaceIndex("eth0");
    // above the nodes' VRRP threads (10): a listener that waits its turn would see gaps of its own
    LinuxThreads.roundRobin(20);
    if (args.length > 1 && args[1].equals("6")) {
      listenIpv6(index, until);
      return;
    }
    try (RawIpSocket socket = LinuxNetwork.openRawIp(VrrpTransport.IPPROTO_VRRP)) {
      socket.bindToDevice("eth0");
      socket.bind(VrrpTransport.VRRP_GROUP);
      socket.joinGroup(VrrpTransport.VRRP_GROUP, index);
      System.out.println("READY");
      System.out.flush();
      byte[] buffer = new byte[2048];
      StringBuilder out = new StringBuilder();
      while (System.nanoTime() - until < 0) {
        int length = socket.receive(buffer, 50);
        long at = System.nanoTime();
        if (length < 0) {
          continue;
        }
        int header = (buffer[0] & 0x0f) * 4;
        if (length < header + 3) {
          continue;
        }
        Ipv4Address source = Ipv4Address.ofBytes(buffer, 12);
        out.setLength(0);
        out.append("ADVERT ")
            .append(at)
            .append(' ')
            .append(buffer[header + 2] & 0xff)
            .append(' ')
            .append(source);
        System.out.println(out);
      }
    }
    System.out.println("DONE");
    System.out.flush();
  }

  /** An IPv6 raw socket hands over the VRRP message alone: the priority is its third byte. */
  private static void listenIpv6(int index, long until) throws Exception {
    try (RawIpv6Socket socket = LinuxNetwork.openRawIpv6(VrrpTransport.IPPROTO_VRRP)) {
      socket.bindToDevice("eth0");
      socket.receiveHeaderFields();
      socket.joinGroup(VrrpWireFormat.IPV6_MULTICAST_GROUP, index);
      System.out.println("READY");
      System.out.flush();
      byte[] buffer = new byte[2048];
      while (System.nanoTime() - until < 0) {
        RawIpv6Socket.Received packet = socket.receive(buffer, 50);
        long at = System.nanoTime();
        if (packet != null && packet.length() >= 3) {
          System.out.println("ADVERT " + at + " " + (buffer[2] & 0xff) + " " + packet.source());
        }
      }
    }
    System.out.println("DONE");
    System.out.flush();
  }
}
