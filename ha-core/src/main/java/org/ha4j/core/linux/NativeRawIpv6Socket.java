package org.ha4j.core.linux;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ha4j.core.linux.LinuxConstants.In6;
import org.ha4j.core.linux.LinuxConstants.Socket;
import org.ha4j.core.net.IpAddress;

/** {@link RawIpv6Socket} on a real descriptor. */
final class NativeRawIpv6Socket implements RawIpv6Socket {

  private static final int RECEIVE_CAPACITY = 65_536;

  private final NativeSocket socket;
  private final Map<Destination, byte[]> destinations = new ConcurrentHashMap<>();
  private Ipv6MessageBuffers buffers;

  NativeRawIpv6Socket(int protocol) throws NativeCallException {
    this.socket =
        NativeSocket.open(
            Socket.AF_INET6,
            Socket.SOCK_RAW,
            protocol,
            "socket(AF_INET6, SOCK_RAW, " + protocol + ")",
            Capability.CAP_NET_RAW);
  }

  @Override
  public void bindToDevice(String interfaceName) throws IOException {
    socket.bindToDevice(interfaceName);
  }

  @Override
  public void bind(IpAddress local, int scopeInterfaceIndex) throws IOException {
    socket.bind(Structs.sockaddrIn6(local, scopeInterfaceIndex), local + "%" + scopeInterfaceIndex);
  }

  @Override
  public void setFreeBind(boolean on) throws IOException {
    socket.setIntOption(In6.IPPROTO_IPV6, In6.IPV6_FREEBIND, on ? 1 : 0, "IPV6_FREEBIND", null);
  }

  @Override
  public void joinGroup(IpAddress group, int interfaceIndex) throws IOException {
    socket.setOption(
        In6.IPPROTO_IPV6,
        In6.IPV6_ADD_MEMBERSHIP,
        Structs.ipv6Mreq(group, interfaceIndex),
        "IPV6_ADD_MEMBERSHIP=" + group + " ifindex " + interfaceIndex,
        null);
  }

  @Override
  public void setMulticastInterface(int interfaceIndex) throws IOException {
    socket.setIntOption(
        In6.IPPROTO_IPV6, In6.IPV6_MULTICAST_IF, interfaceIndex, "IPV6_MULTICAST_IF", null);
  }

  @Override
  public void setMulticastHops(int hops) throws IOException {
    socket.setIntOption(
        In6.IPPROTO_IPV6, In6.IPV6_MULTICAST_HOPS, hops, "IPV6_MULTICAST_HOPS", null);
  }

  @Override
  public void setUnicastHops(int hops) throws IOException {
    socket.setIntOption(In6.IPPROTO_IPV6, In6.IPV6_UNICAST_HOPS, hops, "IPV6_UNICAST_HOPS", null);
  }

  @Override
  public void setMulticastLoop(boolean on) throws IOException {
    socket.setIntOption(
        In6.IPPROTO_IPV6, In6.IPV6_MULTICAST_LOOP, on ? 1 : 0, "IPV6_MULTICAST_LOOP", null);
  }

  @Override
  public void receiveHeaderFields() throws IOException {
    socket.setIntOption(In6.IPPROTO_IPV6, In6.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT", null);
    socket.setIntOption(In6.IPPROTO_IPV6, In6.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO", null);
  }

  @Override
  public void setReceiveBufferSize(int bytes) throws IOException {
    socket.setIntOption(Socket.SOL_SOCKET, Socket.SO_RCVBUF, bytes, "SO_RCVBUF", null);
  }

  @Override
  public void send(byte[] payload, int length, IpAddress destination, int scopeInterfaceIndex)
      throws IOException {
    Destination to = new Destination(destination, scopeInterfaceIndex);
    byte[] sockaddr =
        destinations.computeIfAbsent(to, d -> Structs.sockaddrIn6(d.address, d.scope));
    socket.sendTo(payload, length, 0, sockaddr, "to " + destination, Capability.CAP_NET_RAW);
  }

  private record Destination(IpAddress address, int scope) {}

  @Override
  public boolean hasUnread() throws IOException {
    return socket.hasUnread();
  }

  @Override
  public Received receive(byte[] buffer, int timeoutMillis) throws IOException {
    if (buffers == null) {
      buffers = new Ipv6MessageBuffers(RECEIVE_CAPACITY);
    }
    int length = socket.receiveMessage(buffers.prepare(), timeoutMillis);
    return length < 0 ? null : buffers.read(length, buffer);
  }

  /** The socket under this one, for a {@link ScheduledSender} on its descriptor. */
  NativeSocket socket() {
    return socket;
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return socket.description();
  }
}
