package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.List;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpSocket;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.Ipv4Address;

/**
 * {@link VrrpTransport} on two raw sockets, as keepalived does (its {@code open_vrrp_send_socket}
 * and {@code open_vrrp_read_socket}): a raw socket bound to a local address only receives packets
 * addressed to that address (raw(7)), so the sender, bound to our primary address to fix the
 * source, cannot also be the multicast receiver, which is bound to 224.0.0.18 so it never sees
 * unicast.
 */
final class RawSocketVrrpTransport implements VrrpTransport {

  /**
   * IPTOS_PREC_INTERNETCONTROL, as keepalived marks VRRP so QoS queues treat it as control traffic.
   */
  private static final int TOS_INTERNETWORK_CONTROL = 0xc0;

  private static final int SMALLEST_RECEIVE_BUFFER = 256;

  private final TransportConfig config;
  private final RawIpSocket sender;
  private final RawIpSocket receiver;
  private final byte[] buffer = new byte[65_536];

  private RawSocketVrrpTransport(TransportConfig config, RawIpSocket sender, RawIpSocket receiver) {
    this.config = config;
    this.sender = sender;
    this.receiver = receiver;
  }

  static RawSocketVrrpTransport open(TransportConfig config) throws IOException {
    RawIpSocket sender = LinuxNetwork.openRawIp(IPPROTO_VRRP);
    RawIpSocket receiver = null;
    try {
      sender.setMulticastAll(false);
      sender.bindToDevice(config.interfaceName());
      // The sender never reads: keep its queue tiny so packets matching its binding do not pile up.
      sender.setReceiveBufferSize(SMALLEST_RECEIVE_BUFFER);
      sender.setTypeOfService(TOS_INTERNETWORK_CONTROL);
      sender.setUnicastTtl(TTL);
      sender.setMulticastTtl(TTL);
      sender.setMulticastLoop(false);
      sender.setMulticastInterface(config.interfaceIndex());
      // Free bind: unicast_src_ip may be configured before the address is up.
      sender.setFreeBind(true);
      sender.bind(config.source());

      receiver = LinuxNetwork.openRawIp(IPPROTO_VRRP);
      receiver.setMulticastAll(false);
      receiver.bindToDevice(config.interfaceName());
      if (config.isUnicast()) {
        receiver.setFreeBind(true);
        receiver.bind(config.source());
      } else {
        receiver.bind(VRRP_GROUP);
        receiver.joinGroup(VRRP_GROUP, config.interfaceIndex());
      }
      return new RawSocketVrrpTransport(config, sender, receiver);
    } catch (IOException | RuntimeException e) {
      sender.close();
      if (receiver != null) {
        receiver.close();
      }
      throw e;
    }
  }

  @Override
  public Ipv4Address sourceAddress() {
    return config.source();
  }

  @Override
  public List<Ipv4Address> unicastPeers() {
    return config.unicastPeers();
  }

  @Override
  public void send(byte[] advertisement) throws IOException {
    sendOrProbe(advertisement, false);
  }

  @Override
  public void sendTo(byte[] advertisement, Ipv4Address destination) throws IOException {
    sendOrProbe(advertisement, destination, false);
  }

  /**
   * Goes through {@link #send} for every destination with {@code MSG_PROBE}: routed by the kernel,
   * never put on the wire. For {@link TakeoverRehearsal}: a backup sends its first advert at its
   * takeover; rehearsed at start-up, that send runs warm (cold, it cost 2 to 4 ms of the outage in
   * failover-bench.sh).
   */
  void probe(byte[] advertisement) throws IOException {
    sendOrProbe(advertisement, true);
  }

  private void sendOrProbe(byte[] advertisement, boolean probe) throws IOException {
    if (config.isUnicast()) {
      IOException first = null;
      for (Ipv4Address peer : config.unicastPeers()) {
        try {
          sendOrProbe(advertisement, peer, probe);
        } catch (IOException e) {
          // One unreachable peer must not keep the advert from the others.
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } else {
      sendOrProbe(advertisement, VRRP_GROUP, probe);
    }
  }

  private void sendOrProbe(byte[] advertisement, Ipv4Address destination, boolean probe)
      throws IOException {
    if (probe) {
      sender.probe(advertisement, advertisement.length, destination);
    } else {
      sender.send(advertisement, advertisement.length, destination);
    }
  }

  @Override
  public ScheduledSender openScheduledSender(int entries) throws IOException {
    return LinuxNetwork.openScheduledSender(sender, entries);
  }

  @Override
  public byte[] receive(int timeoutMillis) throws IOException {
    int length = receive(buffer, timeoutMillis);
    return length < 0 ? null : java.util.Arrays.copyOf(buffer, length);
  }

  /** In place: the socket cuts a datagram to {@code into}'s length. */
  @Override
  public int receive(byte[] into, int timeoutMillis) throws IOException {
    return receiver.receive(into, timeoutMillis);
  }

  @Override
  public boolean hasUnread() throws IOException {
    return receiver.hasUnread();
  }

  @Override
  public void close() {
    sender.close();
    receiver.close();
  }

  @Override
  public String toString() {
    return "VRRP on "
        + config.interfaceName()
        + " from "
        + config.source()
        + (config.isUnicast() ? " to " + config.unicastPeers() : " to " + VRRP_GROUP);
  }
}
