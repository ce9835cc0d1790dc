package org.ha4j.vrrp.net;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.Ipv4Address;

/**
 * Sends and receives VRRP advertisements on one interface (RFC 3768 §5.2, §7.1, §7.2).
 *
 * <p>Multicast (the default): sent to 224.0.0.18 with TTL 255 from the interface's primary address,
 * multicast loop off; received on a socket that joined the group on that interface only. Unicast
 * (keepalived's {@code unicast_src_ip}/{@code unicast_peer}): sent to each peer, and adverts from
 * any other address dropped as {@link TransportRejection#NOT_A_PEER}.
 *
 * <p>Thread-safety: one thread receives, any thread sends.
 */
public interface VrrpTransport extends Closeable {

  /** RFC 3768 §5.2.2: the VRRP multicast group. */
  Ipv4Address VRRP_GROUP = Ipv4Address.parse("224.0.0.18");

  /** RFC 3768 §5.2.4. */
  int IPPROTO_VRRP = 112;

  /** RFC 3768 §5.2.3. */
  int TTL = 255;

  /** Opens the sockets for {@code config}; needs CAP_NET_RAW. */
  static VrrpTransport open(TransportConfig config) throws IOException {
    return RawSocketVrrpTransport.open(config);
  }

  /** The address adverts are sent from. */
  Ipv4Address sourceAddress();

  /** The unicast peers; empty in multicast mode. */
  List<Ipv4Address> unicastPeers();

  /**
   * Sends one encoded advertisement (VRRP message without IP header) to the group or to every peer.
   */
  void send(byte[] advertisement) throws IOException;

  /**
   * Sends one encoded advertisement to {@code destination} alone: a VRRPv3 checksum covers the
   * destination (RFC 9568 §5.2.8), so each unicast peer gets a message of its own.
   */
  void sendTo(byte[] advertisement, Ipv4Address destination) throws IOException;

  /**
   * A {@link ScheduledSender} on the advert socket: the kernel sends at given times with this
   * transport's source, TTL and interface. Close it before this transport.
   *
   * @throws IOException when the kernel has no io_uring or refuses it
   */
  ScheduledSender openScheduledSender(int entries) throws IOException;

  /**
   * Waits up to {@code timeoutMillis} for one packet.
   *
   * @return the whole IPv4 packet, header first, for the decoder; null if nothing arrived in time
   */
  byte[] receive(int timeoutMillis) throws IOException;

  /**
   * Waits up to {@code timeoutMillis} for one packet and puts it at the start of {@code into}, as
   * {@link #receive(int)} would return it (cut to {@code into}'s length).
   *
   * @return its length; -1 if nothing arrived in time
   */
  default int receive(byte[] into, int timeoutMillis) throws IOException {
    return copyInto(receive(timeoutMillis), into);
  }

  /**
   * Puts {@code packet} (null: none came) at the start of {@code into}, cut to its length; returns
   * that length, or -1 for none.
   */
  static int copyInto(byte[] packet, byte[] into) {
    if (packet == null) {
      return -1;
    }
    int length = Math.min(packet.length, into.length);
    System.arraycopy(packet, 0, into, 0, length);
    return length;
  }

  /** Whether a packet waits to be received, without waiting or taking it. */
  default boolean hasUnread() throws IOException {
    return false;
  }

  /**
   * The checks that depend on who sent an otherwise valid advert: not ourselves (looped back), and
   * in unicast mode one of the configured peers (keepalived's {@code check_unicast_src}).
   *
   * @return null when the source is acceptable
   */
  static TransportRejection checkSource(TransportConfig config, Ipv4Address source) {
    if (source.equals(config.source())) {
      return TransportRejection.OWN_ADVERTISEMENT;
    }
    if (config.isUnicast() && !config.unicastPeers().contains(source)) {
      return TransportRejection.NOT_A_PEER;
    }
    return null;
  }

  @Override
  void close();
}
