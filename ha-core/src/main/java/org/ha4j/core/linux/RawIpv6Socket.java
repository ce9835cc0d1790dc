package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;
import org.ha4j.core.net.IpAddress;

/**
 * An IPv6 raw socket for one protocol ({@code socket(AF_INET6, SOCK_RAW, protocol)}, raw(7),
 * ipv6(7)): 112 for VRRP, 58 for ICMPv6 (the kernel then fills in the ICMPv6 checksum). Unlike
 * IPv4, an IPv6 raw socket never hands over the IP header, so {@link #receive} reports what a
 * receiver checks from it (hop limit, source, destination) beside the payload. Needs {@link
 * Capability#CAP_NET_RAW}.
 *
 * <p>Thread-safety: one thread may receive while others send or set options; {@link #close()} waits
 * for a receive in progress to return (at most its timeout).
 */
public interface RawIpv6Socket extends Closeable {

  /**
   * One received packet: its payload's length in the caller's buffer and its IPv6 header fields.
   */
  record Received(int length, IpAddress source, IpAddress destination, int hopLimit) {}

  /** {@code SO_BINDTODEVICE}: only this interface's packets are received and sent. */
  void bindToDevice(String interfaceName) throws IOException;

  /**
   * {@code bind(2)} to a local address, the source of what is sent; a link-local one needs its
   * interface as the scope.
   */
  void bind(IpAddress local, int scopeInterfaceIndex) throws IOException;

  /** {@code IPV6_FREEBIND}: allows {@link #bind} to an address not (yet) on the interface. */
  void setFreeBind(boolean on) throws IOException;

  /** {@code IPV6_ADD_MEMBERSHIP} on one interface. */
  void joinGroup(IpAddress group, int interfaceIndex) throws IOException;

  /** {@code IPV6_MULTICAST_IF}. */
  void setMulticastInterface(int interfaceIndex) throws IOException;

  /** {@code IPV6_MULTICAST_HOPS}. */
  void setMulticastHops(int hops) throws IOException;

  /** {@code IPV6_UNICAST_HOPS}. */
  void setUnicastHops(int hops) throws IOException;

  /** {@code IPV6_MULTICAST_LOOP}. */
  void setMulticastLoop(boolean on) throws IOException;

  /**
   * {@code IPV6_RECVHOPLIMIT} and {@code IPV6_RECVPKTINFO}: every received packet comes with its
   * hop limit and destination, which {@link #receive} needs. Call before receiving.
   */
  void receiveHeaderFields() throws IOException;

  /** {@code SO_RCVBUF}. */
  void setReceiveBufferSize(int bytes) throws IOException;

  /**
   * {@code sendto(2)} the payload (without IPv6 header) to {@code destination}; {@code
   * scopeInterfaceIndex} names the link of a link-local or multicast destination (0 for none).
   */
  void send(byte[] payload, int length, IpAddress destination, int scopeInterfaceIndex)
      throws IOException;

  /**
   * Waits up to {@code timeoutMillis} for one packet and copies its payload (no IPv6 header) into
   * {@code buffer} ({@code recvmsg(2)}).
   *
   * @return the packet, or null if nothing arrived in time
   */
  Received receive(byte[] buffer, int timeoutMillis) throws IOException;

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
