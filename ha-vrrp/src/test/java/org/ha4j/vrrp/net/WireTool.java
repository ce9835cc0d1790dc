package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.linux.InterfaceAddress;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.PacketSocket;
import org.ha4j.core.linux.RawIpSocket;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpEncoder;

/**
 * Runs one transport-level operation inside a network namespace (started by an IT through {@code ip
 * netns exec}), printing results as lines the test asserts on.
 *
 * <pre>
 * listen IF MILLIS [PEER...]         READY, then PACKET src ttl hex / REJECTED reason, until MILLIS pass
 * send IF TTL HEX COUNT GAP_MS [DST]  sends the VRRP message HEX (multicast unless DST), COUNT times
 * vip IF OP CIDR...                  OP = add | remove | cleanup, through VirtualAddressManager
 * garp IF A.B.C.D                    one gratuitous ARP from IF's MAC
 * </pre>
 */
public final class WireTool {

  private WireTool() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "listen" -> listen(args);
      case "send" -> send(args);
      case "vip" -> vip(args);
      case "garp" -> garp(args);
      case "probe-then-send" -> probeThenSend(args);
      case "rehearse-garp-then-garp" -> rehearseGarpThenGarp(args);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
    System.out.flush();
  }

  private static void listen(String[] args) throws IOException {
    String name = args[1];
    long until = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000L;
    List<Ipv4Address> peers = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      peers.add(Ipv4Address.parse(args[i]));
    }
    TransportConfig config = config(name, peers);
    try (VrrpTransport transport = VrrpTransport.open(config)) {
      System.out.println("READY " + transport.sourceAddress());
      System.out.flush();
      while (System.nanoTime() - until < 0) {
        byte[] bytes = transport.receive(100);
        if (bytes != null) {
          // when it arrived, wall clock in microseconds (failover-bench.sh times crashes from
          // adverts)
          java.time.Instant arrived = java.time.Instant.now();
          long micros = arrived.getEpochSecond() * 1_000_000L + arrived.getNano() / 1_000;
          System.out.println(describe(config, bytes) + " t=" + micros);
          System.out.flush();
        }
      }
    }
  }

  /**
   * What the instance's receive path would do with these bytes: the codec's checks, then the
   * source's.
   */
  private static String describe(TransportConfig config, byte[] packet) {
    // Like keepalived, unicast does not insist on TTL 255: peers may sit behind a router.
    ReceiveExpectations expectations =
        ReceiveExpectations.builder().requireTtl255(!config.isUnicast()).build();
    VrrpDecodeResult result = VrrpDecoder.decode(packet, expectations);
    if (result instanceof VrrpDecodeResult.Rejected rejected) {
      return "REJECTED " + rejected.reason().name();
    }
    VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) result;
    TransportRejection bySource = VrrpTransport.checkSource(config, accepted.source());
    if (bySource != null) {
      return "REJECTED " + bySource.name();
    }
    return "PACKET "
        + accepted.source()
        + " "
        + accepted.ttl()
        + " "
        + HexFormat.of().formatHex(VrrpEncoder.encodeMessage(accepted.advertisement()));
  }

  private static void send(String[] args) throws Exception {
    String name = args[1];
    int ttl = Integer.parseInt(args[2]);
    byte[] message = HexFormat.of().parseHex(args[3]);
    int count = Integer.parseInt(args[4]);
    long gapMillis = Long.parseLong(args[5]);
    Ipv4Address destination =
        args.length > 6 ? Ipv4Address.parse(args[6]) : VrrpTransport.VRRP_GROUP;
    try (RawIpSocket socket = LinuxNetwork.openRawIp(VrrpTransport.IPPROTO_VRRP)) {
      socket.bindToDevice(name);
      socket.setMulticastInterface(LinuxNetwork.interfaceIndex(name));
      socket.setMulticastTtl(ttl);
      socket.setUnicastTtl(ttl);
      socket.setMulticastLoop(false);
      for (int i = 0; i < count; i++) {
        socket.send(message, message.length, destination);
        System.out.println("SENT " + (i + 1));
        System.out.flush();
        if (i + 1 < count) {
          Thread.sleep(gapMillis); // pacing what goes on the wire, like a router's advert timer
        }
      }
    }
  }

  /**
   * probe-then-send IF PROBED_HEX SENT_HEX: MSG_PROBE one advert to the group, then really send
   * another.
   */
  private static void probeThenSend(String[] args) throws IOException {
    String name = args[1];
    byte[] probed = HexFormat.of().parseHex(args[2]);
    byte[] sent = HexFormat.of().parseHex(args[3]);
    try (RawIpSocket socket = LinuxNetwork.openRawIp(VrrpTransport.IPPROTO_VRRP)) {
      socket.bindToDevice(name);
      socket.setMulticastInterface(LinuxNetwork.interfaceIndex(name));
      socket.setMulticastTtl(255);
      socket.setMulticastLoop(false);
      socket.probe(probed, probed.length, VrrpTransport.VRRP_GROUP);
      socket.send(sent, sent.length, VrrpTransport.VRRP_GROUP);
      System.out.println("PROBED_AND_SENT");
    }
  }

  /**
   * rehearse-garp-then-garp IF REHEARSED_IP ANNOUNCED_IP: the rehearsal for one address, then a
   * real GARP.
   */
  private static void rehearseGarpThenGarp(String[] args) throws IOException {
    String name = args[1];
    try (RouteNetlink netlink = LinuxNetwork.openRouteNetlink();
        PacketSocket socket = LinuxNetwork.openPacket()) {
      LinkInfo link = netlink.link(name).orElseThrow();
      GratuitousArp garp = new GratuitousArp(socket, link.index(), link.hardwareAddress());
      System.out.println("REHEARSED " + garp.rehearse(Ipv4Address.parse(args[2])));
      garp.announce(List.of(Ipv4Address.parse(args[3])));
      System.out.println("GARP " + link.hardwareAddressText());
    }
  }

  private static void vip(String[] args) throws IOException {
    String name = args[1];
    List<VirtualAddress> vips = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      vips.add(VirtualAddress.parse(args[i]));
    }
    try (RouteNetlink netlink = LinuxNetwork.openRouteNetlink()) {
      int index = LinuxNetwork.interfaceIndex(name);
      VirtualAddressManager manager = new VirtualAddressManager(netlink, name, index, vips);
      switch (args[2]) {
        case "add" -> System.out.println("ADDED " + manager.addAll());
        case "rehearse" -> System.out.println("REHEARSED " + manager.rehearseAdd());
        case "remove" -> {
          manager.findHostOwned();
          System.out.println("REMOVED " + manager.removeAll());
        }
        case "cleanup" -> {
          System.out.println("CLEANED " + manager.removeLeftovers());
          System.out.println("HOST_OWNED " + manager.hostOwned());
        }
        default -> throw new IllegalArgumentException(args[2]);
      }
    }
  }

  private static void garp(String[] args) throws IOException {
    String name = args[1];
    try (RouteNetlink netlink = LinuxNetwork.openRouteNetlink();
        PacketSocket socket = LinuxNetwork.openPacket()) {
      LinkInfo link = netlink.link(name).orElseThrow();
      new GratuitousArp(socket, link.index(), link.hardwareAddress())
          .announce(List.of(Ipv4Address.parse(args[2])));
      System.out.println("GARP " + link.hardwareAddressText());
    }
  }

  static TransportConfig config(String name, List<Ipv4Address> peers) throws IOException {
    try (RouteNetlink netlink = LinuxNetwork.openRouteNetlink()) {
      int index = LinuxNetwork.interfaceIndex(name);
      List<InterfaceAddress> addresses = netlink.addresses(index);
      Ipv4Address source = VirtualAddressManager.primaryAddress(addresses).orElseThrow();
      return new TransportConfig(name, index, source, peers);
    }
  }
}
