package org.ha4j.vrrp;

import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpSocket;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.net.VrrpTransport;

/**
 * A listener on the wire for {@link KernelPacedAdvertsIT}, run in its own namespace: joins
 * 224.0.0.18 on {@code eth0}, prints {@code READY}, then {@code ADVERT <nanos> <priority>} for each
 * VRRP packet until MILLIS pass, {@code nanos} being {@link System#nanoTime()} (CLOCK_MONOTONIC,
 * the clock the node prints its own times on) when the receive returned.
 *
 * <p>Arguments: MILLIS.
 */
final class AdvertTimestamps {

  private AdvertTimestamps() {}

  public static void main(String[] args) throws Exception {
    long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
    int index = LinuxNetwork.interfaceIndex("eth0");
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
}
