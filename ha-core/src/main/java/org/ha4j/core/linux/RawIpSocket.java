package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;
import org.ha4j.core.net.Ipv4Address;

/**
 * An IPv4 raw socket for one IP protocol ({@code socket(AF_INET, SOCK_RAW, protocol)}, raw(7)): the
 * kernel builds the IP header of what is sent; what is received comes with its IP header, so TTL,
 * source and destination can be checked. Needs {@link Capability#CAP_NET_RAW}.
 *
 * <p>Thread-safety: one thread may receive while others send or set options; {@link #close()} waits
 * for a receive in progress to return (at most its timeout).
 */
public interface RawIpSocket extends Closeable {

  /** {@code SO_BINDTODEVICE}: only this interface's packets are received and sent. */
  void bindToDevice(String interfaceName) throws IOException;

  /**
   * {@code bind(2)} to a local address: the source of what is sent, and for a raw socket also a
   * filter on the destination of what is received (raw(7)).
   */
  void bind(Ipv4Address local) throws IOException;

  /** {@code IP_FREEBIND}: allows {@link #bind} to an address not (yet) on the interface. */
  void setFreeBind(boolean on) throws IOException;

  /** {@code IP_ADD_MEMBERSHIP} with {@code struct ip_mreqn} naming the interface by index. */
  void joinGroup(Ipv4Address group, int interfaceIndex) throws IOException;

  /** {@code IP_MULTICAST_IF} by interface index. */
  void setMulticastInterface(int interfaceIndex) throws IOException;

  /** {@code IP_MULTICAST_TTL}. */
  void setMulticastTtl(int ttl) throws IOException;

  /** {@code IP_TTL}, for unicast. */
  void setUnicastTtl(int ttl) throws IOException;

  /** {@code IP_MULTICAST_LOOP}: whether our own multicast comes back to local sockets. */
  void setMulticastLoop(boolean on) throws IOException;

  /**
   * {@code IP_MULTICAST_ALL}: when on (Linux's default), a socket receives every group any socket
   * of the host joined; off restricts it to its own memberships.
   */
  void setMulticastAll(boolean on) throws IOException;

  /** {@code IP_TOS}. */
  void setTypeOfService(int tos) throws IOException;

  /** {@code SO_RCVBUF}. */
  void setReceiveBufferSize(int bytes) throws IOException;

  /** {@code sendto(2)} the payload (without IP header) to {@code destination}. */
  void send(byte[] payload, int length, Ipv4Address destination) throws IOException;

  /**
   * {@code sendto(2)} with {@code MSG_PROBE}: the kernel routes the packet but builds and sends
   * nothing. Runs the whole send path once without a packet on the wire, so a first real send does
   * not pay for cold code (a backup's first advert comes at its takeover, when every millisecond is
   * outage).
   */
  void probe(byte[] payload, int length, Ipv4Address destination) throws IOException;

  /**
   * Waits up to {@code timeoutMillis} for one packet and copies it, IP header first, into {@code
   * buffer}.
   *
   * @return the number of bytes received, or -1 if nothing arrived in time
   */
  int receive(byte[] buffer, int timeoutMillis) throws IOException;

  /**
   * Whether a packet waits to be received, without waiting or taking it: {@code poll(2)} with no
   * timeout. A socket that cannot tell says false.
   */
  default boolean hasUnread() throws IOException {
    return false;
  }

  /** Releases the descriptor; idempotent. */
  @Override
  void close();
}
