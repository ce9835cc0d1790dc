package org.ha4j.vrrp;

import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpv6Socket;
import org.ha4j.core.testing.netns.NetnsHost;

/**
 * A third namespace's view of the wire for {@link Vrrp6KeepalivedIT}: a raw IPv6 socket for
 * protocol 112 that joined ff02::12 on eth0 prints one line per VRRP packet it hears, {@code ADVERT
 * src=S dst=D hop=H prio=P}, as the kernel reports them (not as a sender claims them). With the
 * argument {@code na} it listens to ICMPv6 instead and prints each neighbour advertisement, {@code
 * NA src=S dst=D hop=H hex=MESSAGE}.
 */
final class Ipv6AdvertCapture {

  private Ipv6AdvertCapture() {}

  public static void main(String[] args) throws Exception {
    int index = LinuxNetwork.interfaceIndex(NetnsHost.INTERFACE);
    if (args.length > 0 && args[0].equals("na")) {
      captureNeighbourAdvertisements();
      return;
    }
    try (RawIpv6Socket socket = LinuxNetwork.openRawIpv6(112)) {
      socket.bindToDevice(NetnsHost.INTERFACE);
      socket.receiveHeaderFields();
      socket.joinGroup(org.ha4j.core.net.IpAddress.parse("ff02::12"), index);
      System.out.println("CAPTURING");
      byte[] buffer = new byte[2048];
      while (true) {
        RawIpv6Socket.Received packet = socket.receive(buffer, 1000);
        if (packet != null && packet.length() >= 8) {
          System.out.println(
              "ADVERT src="
                  + packet.source()
                  + " dst="
                  + packet.destination()
                  + " hop="
                  + packet.hopLimit()
                  + " prio="
                  + (buffer[2] & 0xff));
        }
      }
    }
  }

  private static void captureNeighbourAdvertisements() throws Exception {
    try (RawIpv6Socket socket = LinuxNetwork.openRawIpv6(58)) {
      socket.bindToDevice(NetnsHost.INTERFACE);
      socket.receiveHeaderFields();
      System.out.println("CAPTURING");
      byte[] buffer = new byte[2048];
      while (true) {
        RawIpv6Socket.Received packet = socket.receive(buffer, 1000);
        if (packet != null && packet.length() >= 24 && (buffer[0] & 0xff) == 136) {
          System.out.println(
              "NA src="
                  + packet.source()
                  + " dst="
                  + packet.destination()
                  + " hop="
                  + packet.hopLimit()
                  + " hex="
                  + java.util.HexFormat.of().formatHex(buffer, 0, packet.length()));
        }
      }
    }
  }
}
