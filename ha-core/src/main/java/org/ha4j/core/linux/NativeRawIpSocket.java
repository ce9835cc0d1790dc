package org.ha4j.core.linux;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ha4j.core.linux.LinuxConstants.In;
import org.ha4j.core.linux.LinuxConstants.Socket;
import org.ha4j.core.net.Ipv4Address;

/** {@link RawIpSocket} on a real descriptor. */
final class NativeRawIpSocket implements RawIpSocket {

  private final NativeSocket socket;
  private final Map<Ipv4Address, Destination> destinations = new ConcurrentHashMap<>();

  NativeRawIpSocket(int protocol) throws NativeCallException {
    this.socket =
        NativeSocket.open(
            Socket.AF_INET,
            Socket.SOCK_RAW,
            protocol,
            "socket(AF_INET, SOCK_RAW, " + protocol + ")",
            Capability.CAP_NET_RAW);
  }

  @Override
  public void bindToDevice(String interfaceName) throws IOException {
    socket.bindToDevice(interfaceName);
  }

  @Override
  public void bind(Ipv4Address local) throws IOException {
    socket.bind(Structs.sockaddrIn(local, 0), local.toString());
  }

  @Override
  public void setFreeBind(boolean on) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_FREEBIND, on ? 1 : 0, "IP_FREEBIND", null);
  }

  @Override
  public void joinGroup(Ipv4Address group, int interfaceIndex) throws IOException {
    socket.setOption(
        In.IPPROTO_IP,
        In.IP_ADD_MEMBERSHIP,
        Structs.ipMreqn(group, Ipv4Address.ofBits(0), interfaceIndex),
        "IP_ADD_MEMBERSHIP=" + group + " ifindex " + interfaceIndex,
        null);
  }

  @Override
  public void setMulticastInterface(int interfaceIndex) throws IOException {
    socket.setOption(
        In.IPPROTO_IP,
        In.IP_MULTICAST_IF,
        Structs.ipMreqn(Ipv4Address.ofBits(0), Ipv4Address.ofBits(0), interfaceIndex),
        "IP_MULTICAST_IF=ifindex " + interfaceIndex,
        null);
  }

  @Override
  public void setMulticastTtl(int ttl) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL", null);
  }

  @Override
  public void setUnicastTtl(int ttl) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_TTL, ttl, "IP_TTL", null);
  }

  @Override
  public void setMulticastLoop(boolean on) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_MULTICAST_LOOP, on ? 1 : 0, "IP_MULTICAST_LOOP", null);
  }

  @Override
  public void setMulticastAll(boolean on) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_MULTICAST_ALL, on ? 1 : 0, "IP_MULTICAST_ALL", null);
  }

  @Override
  public void setTypeOfService(int tos) throws IOException {
    socket.setIntOption(In.IPPROTO_IP, In.IP_TOS, tos, "IP_TOS", null);
  }

  @Override
  public void setReceiveBufferSize(int bytes) throws IOException {
    socket.setIntOption(Socket.SOL_SOCKET, Socket.SO_RCVBUF, bytes, "SO_RCVBUF", null);
  }

  @Override
  public void send(byte[] payload, int length, Ipv4Address destination) throws IOException {
    Destination to = destination(destination);
    socket.sendTo(payload, length, 0, to.sockaddr, to.description, Capability.CAP_NET_RAW);
  }

  @Override
  public void probe(byte[] payload, int length, Ipv4Address destination) throws IOException {
    Destination to = destination(destination);
    socket.sendTo(
        payload, length, Socket.MSG_PROBE, to.sockaddr, to.description, Capability.CAP_NET_RAW);
  }

  /**
   * Adverts go to one group or a few peers: their sockaddr and error text are built once, not per
   * packet.
   */
  private Destination destination(Ipv4Address address) {
    Destination known = destinations.get(address);
    if (known == null) {
      known = new Destination(Structs.sockaddrIn(address, 0), "to " + address);
      destinations.putIfAbsent(address, known);
    }
    return known;
  }

  private record Destination(byte[] sockaddr, String description) {}

  @Override
  public int receive(byte[] buffer, int timeoutMillis) throws IOException {
    return socket.receive(buffer, timeoutMillis);
  }

  @Override
  public boolean hasUnread() throws IOException {
    return socket.hasUnread();
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
