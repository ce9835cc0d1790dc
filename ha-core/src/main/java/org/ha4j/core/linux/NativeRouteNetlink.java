package org.ha4j.core.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.LinuxConstants.Netlink;
import org.ha4j.core.linux.LinuxConstants.Rtnetlink;
import org.ha4j.core.linux.LinuxConstants.Socket;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Cidr;

/** {@link RouteNetlink} on a real {@code NETLINK_ROUTE} socket. */
final class NativeRouteNetlink implements RouteNetlink {

  private static final int ANSWER_TIMEOUT_MILLIS = 5_000;
  private static final byte[] KERNEL = Structs.sockaddrNl(0, 0);

  private final NativeSocket socket;
  private final byte[] buffer = new byte[64 * 1024];
  private int sequence = (int) (System.nanoTime() & 0x3fffffff);

  NativeRouteNetlink() throws IOException {
    this.socket =
        NativeSocket.open(
            Socket.AF_NETLINK,
            Socket.SOCK_RAW,
            Netlink.NETLINK_ROUTE,
            "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)",
            null);
    try {
      socket.bind(Structs.sockaddrNl(0, 0), "netlink, kernel-assigned port");
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public synchronized List<LinkInfo> links() throws IOException {
    List<LinkInfo> links = new ArrayList<>();
    for (NetlinkMessages.Message message :
        request(NetlinkMessages.dumpLinks(++sequence), "RTM_GETLINK", null)) {
      if (message.type() == Rtnetlink.RTM_NEWLINK) {
        LinkInfo link = NetlinkMessages.parseLink(message);
        if (link != null) {
          links.add(link);
        }
      }
    }
    return links;
  }

  @Override
  public synchronized List<InterfaceAddress> addresses(int interfaceIndex) throws IOException {
    List<InterfaceAddress> addresses = new ArrayList<>();
    for (NetlinkMessages.Message message :
        request(NetlinkMessages.dumpAddresses(++sequence), "RTM_GETADDR", null)) {
      if (message.type() == Rtnetlink.RTM_NEWADDR) {
        InterfaceAddress address = NetlinkMessages.parseAddress(message);
        if (address != null && address.interfaceIndex() == interfaceIndex) {
          addresses.add(address);
        }
      }
    }
    return addresses;
  }

  @Override
  public synchronized boolean addAddress(int interfaceIndex, Ipv4Cidr address, String label)
      throws IOException {
    return changed(
        NetlinkMessages.addAddress(++sequence, interfaceIndex, address, label),
        "RTM_NEWADDR "
            + address
            + " ifindex "
            + interfaceIndex
            + (label == null ? "" : " label " + label),
        Errno.EEXIST);
  }

  @Override
  public synchronized List<InterfaceIpv6Address> ipv6Addresses(int interfaceIndex)
      throws IOException {
    List<InterfaceIpv6Address> addresses = new ArrayList<>();
    for (NetlinkMessages.Message message :
        request(
            NetlinkMessages.dumpAddresses(++sequence, Socket.AF_INET6),
            "RTM_GETADDR AF_INET6",
            null)) {
      if (message.type() == Rtnetlink.RTM_NEWADDR) {
        InterfaceIpv6Address address = NetlinkMessages.parseIpv6Address(message);
        if (address != null && address.interfaceIndex() == interfaceIndex) {
          addresses.add(address);
        }
      }
    }
    return addresses;
  }

  @Override
  public synchronized boolean addIpv6Address(int interfaceIndex, IpCidr address)
      throws IOException {
    return changed(
        NetlinkMessages.addIpv6Address(++sequence, interfaceIndex, address),
        "RTM_NEWADDR " + address + " ifindex " + interfaceIndex,
        Errno.EEXIST);
  }

  @Override
  public synchronized boolean removeIpv6Address(int interfaceIndex, IpCidr address)
      throws IOException {
    return changed(
        NetlinkMessages.removeIpv6Address(++sequence, interfaceIndex, address),
        "RTM_DELADDR " + address + " ifindex " + interfaceIndex,
        Errno.EADDRNOTAVAIL);
  }

  /** Sends a change; false when the kernel answers {@code unchangedErrno} (already so). */
  private boolean changed(byte[] message, String call, int unchangedErrno) throws IOException {
    try {
      request(message, call, Capability.CAP_NET_ADMIN);
      return true;
    } catch (NativeCallException e) {
      if (e.errno() == unchangedErrno) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public synchronized boolean removeAddress(int interfaceIndex, Ipv4Cidr address)
      throws IOException {
    return changed(
        NetlinkMessages.removeAddress(++sequence, interfaceIndex, address),
        "RTM_DELADDR " + address + " ifindex " + interfaceIndex,
        Errno.EADDRNOTAVAIL);
  }

  /**
   * Sends one request and collects its answer: the messages of a dump up to NLMSG_DONE, or the
   * NLMSG_ERROR that acknowledges (error 0) or refuses (negated errno) a change.
   */
  private List<NetlinkMessages.Message> request(byte[] message, String call, Capability capability)
      throws IOException {
    int expected = Structs.hostOrder(message).getInt(8);
    socket.sendTo(message, message.length, KERNEL, call, capability);
    List<NetlinkMessages.Message> answer = new ArrayList<>();
    long deadline = System.nanoTime() + ANSWER_TIMEOUT_MILLIS * 1_000_000L;
    while (true) {
      int remaining = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
      int length = socket.receive(buffer, remaining);
      if (length < 0) {
        if (System.nanoTime() - deadline >= 0) {
          throw new NativeCallException(
              call, 0, "no answer from the kernel within " + ANSWER_TIMEOUT_MILLIS + " ms");
        }
        continue;
      }
      byte[] datagram = java.util.Arrays.copyOf(buffer, length);
      for (NetlinkMessages.Message reply : NetlinkMessages.split(datagram, length)) {
        if (reply.sequence() != expected) {
          continue; // the answer to an earlier request that timed out
        }
        if (reply.type() == Netlink.NLMSG_ERROR) {
          int error = reply.error();
          if (error == 0) {
            return answer;
          }
          int errno = -error;
          throw Errno.exception(call, errno, LibC.describe(errno), capability);
        }
        if (reply.type() == Netlink.NLMSG_DONE) {
          return answer;
        }
        answer.add(reply);
        if ((reply.flags() & Netlink.NLM_F_MULTI) == 0) {
          return answer;
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
