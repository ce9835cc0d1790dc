package org.ha4j.core.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;

/**
 * The C structs passed to the socket calls, laid out by hand as byte arrays: host byte order for
 * families, indexes and lengths, network byte order for addresses and ports, as the headers say.
 * {@code StructsTest} checks every size and offset against the kernel's definitions.
 */
final class Structs {

  /** {@code sizeof(struct sockaddr_in)}, {@code <netinet/in.h>}. */
  static final int SOCKADDR_IN_SIZE = 16;

  /** {@code sizeof(struct sockaddr_ll)}, {@code <linux/if_packet.h>}. */
  static final int SOCKADDR_LL_SIZE = 20;

  /** {@code sizeof(struct sockaddr_nl)}, {@code <linux/netlink.h>}. */
  static final int SOCKADDR_NL_SIZE = 12;

  /** {@code sizeof(struct ip_mreqn)}, {@code <linux/in.h>}. */
  static final int IP_MREQN_SIZE = 12;

  /** {@code sizeof(struct sockaddr_un)}, {@code <sys/un.h>}: a 2-byte family, then the path. */
  static final int SOCKADDR_UN_SIZE = 110;

  /** {@code sizeof(sun_path)}: room for a 107-byte path and its NUL. */
  static final int SUN_PATH_SIZE = SOCKADDR_UN_SIZE - 2;

  /** {@code sizeof(struct sockaddr_in6)}, {@code <linux/in6.h>}. */
  static final int SOCKADDR_IN6_SIZE = 28;

  /** {@code sizeof(struct ipv6_mreq)}, {@code <linux/in6.h>}. */
  static final int IPV6_MREQ_SIZE = 20;

  /**
   * {@code struct msghdr} on LP64 ({@code <sys/socket.h>}): name pointer, 4-byte length padded to
   * 8, iovec pointer, size_t count, control pointer, size_t length, int flags (56 bytes).
   */
  static final int MSGHDR_SIZE = 56;

  static final int MSGHDR_NAME = 0;
  static final int MSGHDR_NAMELEN = 8;
  static final int MSGHDR_IOV = 16;
  static final int MSGHDR_IOVLEN = 24;
  static final int MSGHDR_CONTROL = 32;
  static final int MSGHDR_CONTROLLEN = 40;

  /** {@code struct iovec {void *iov_base; size_t iov_len;}} on LP64. */
  static final int IOVEC_SIZE = 16;

  /**
   * {@code struct cmsghdr {size_t cmsg_len; int cmsg_level; int cmsg_type;}} on LP64: the data
   * starts at {@code CMSG_ALIGN(sizeof(struct cmsghdr))}, and each header at a multiple of 8.
   */
  static final int CMSGHDR_SIZE = 16;

  /** {@code struct in6_pktinfo {struct in6_addr ipi6_addr; int ipi6_ifindex;}}. */
  static final int IN6_PKTINFO_SIZE = 20;

  /** {@code sizeof(struct pollfd)}, {@code <poll.h>}. */
  static final int POLLFD_SIZE = 8;

  private Structs() {}

  static ByteBuffer hostOrder(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
  }

  /**
   * {@code struct sockaddr_in {sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;
   * char zero[8];}}.
   */
  static byte[] sockaddrIn(Ipv4Address address, int port) {
    byte[] bytes = new byte[SOCKADDR_IN_SIZE];
    ByteBuffer buffer = hostOrder(bytes);
    buffer.putShort(0, (short) LinuxConstants.Socket.AF_INET);
    buffer.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
    address.writeTo(bytes, 4);
    return bytes;
  }

  /**
   * {@code struct sockaddr_in6 {sa_family_t sin6_family; in_port_t sin6_port; uint32_t
   * sin6_flowinfo; struct in6_addr sin6_addr; uint32_t sin6_scope_id;}}.
   */
  static byte[] sockaddrIn6(IpAddress address, int scopeId) {
    if (!address.isIpv6()) {
      throw new IllegalArgumentException("an IPv6 address is needed, got " + address);
    }
    byte[] bytes = new byte[SOCKADDR_IN6_SIZE];
    ByteBuffer buffer = hostOrder(bytes);
    buffer.putShort(0, (short) LinuxConstants.Socket.AF_INET6);
    System.arraycopy(address.toBytes(), 0, bytes, 8, 16);
    buffer.putInt(24, scopeId);
    return bytes;
  }

  /** {@code struct ipv6_mreq {struct in6_addr ipv6mr_multiaddr; int ipv6mr_interface;}}. */
  static byte[] ipv6Mreq(IpAddress group, int interfaceIndex) {
    byte[] bytes = new byte[IPV6_MREQ_SIZE];
    System.arraycopy(group.toBytes(), 0, bytes, 0, 16);
    hostOrder(bytes).putInt(16, interfaceIndex);
    return bytes;
  }

  /** {@code CMSG_ALIGN} on LP64: round up to a multiple of 8. */
  static int cmsgAlign(long length) {
    return (int) ((length + 7) & ~7L);
  }

  /**
   * {@code struct sockaddr_ll {unsigned short sll_family; __be16 sll_protocol; int sll_ifindex;
   * unsigned short sll_hatype; unsigned char sll_pkttype; unsigned char sll_halen; unsigned char
   * sll_addr[8];}}.
   */
  static byte[] sockaddrLl(int protocol, int interfaceIndex, byte[] hardwareAddress) {
    if (hardwareAddress.length > 8) {
      throw new IllegalArgumentException(
          "a link-layer address has at most 8 bytes, got " + hardwareAddress.length);
    }
    byte[] bytes = new byte[SOCKADDR_LL_SIZE];
    ByteBuffer buffer = hostOrder(bytes);
    buffer.putShort(0, (short) LinuxConstants.Socket.AF_PACKET);
    buffer.putInt(4, interfaceIndex);
    buffer.putShort(8, (short) 0);
    bytes[10] = 0;
    bytes[11] = (byte) hardwareAddress.length;
    System.arraycopy(hardwareAddress, 0, bytes, 12, hardwareAddress.length);
    buffer.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) protocol);
    return bytes;
  }

  /**
   * {@code struct sockaddr_nl {__kernel_sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid;
   * __u32 nl_groups;}}.
   */
  static byte[] sockaddrNl(int portId, int groups) {
    byte[] bytes = new byte[SOCKADDR_NL_SIZE];
    ByteBuffer buffer = hostOrder(bytes);
    buffer.putShort(0, (short) LinuxConstants.Socket.AF_NETLINK);
    buffer.putInt(4, portId);
    buffer.putInt(8, groups);
    return bytes;
  }

  /**
   * {@code struct sockaddr_un {sa_family_t sun_family; char sun_path[108];}} for a filesystem path
   * or, written {@code @name}, a name in the abstract namespace (unix(7)). Only the bytes that name
   * the socket are passed: a path with its NUL, an abstract name as a NUL then the name without a
   * terminator, since every byte of the given length belongs to an abstract name.
   *
   * @throws IllegalArgumentException for an empty name, a NUL inside it, or more than 107 bytes
   */
  static byte[] sockaddrUn(String name) {
    boolean abstractName = name.startsWith("@");
    byte[] text =
        (abstractName ? name.substring(1) : name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.isEmpty() || (abstractName && text.length == 0)) {
      throw new IllegalArgumentException(
          "an AF_UNIX socket name is a path or @name of 1-107 bytes, got '" + name + "'");
    }
    if (text.length > SUN_PATH_SIZE - 1) {
      throw new IllegalArgumentException(
          "an AF_UNIX socket name has at most "
              + (SUN_PATH_SIZE - 1)
              + " bytes, got "
              + text.length
              + ": "
              + name);
    }
    for (byte b : text) {
      if (b == 0) {
        throw new IllegalArgumentException("an AF_UNIX socket name has no NUL byte: " + name);
      }
    }
    // Both forms are the family, one NUL and the text: the NUL leads an abstract name and ends a
    // path.
    byte[] bytes = new byte[2 + 1 + text.length];
    hostOrder(bytes).putShort(0, (short) LinuxConstants.Socket.AF_UNIX);
    System.arraycopy(text, 0, bytes, abstractName ? 3 : 2, text.length);
    return bytes;
  }

  /**
   * {@code struct ip_mreqn {struct in_addr imr_multiaddr; struct in_addr imr_address; int
   * imr_ifindex;}}.
   */
  static byte[] ipMreqn(Ipv4Address group, Ipv4Address local, int interfaceIndex) {
    byte[] bytes = new byte[IP_MREQN_SIZE];
    group.writeTo(bytes, 0);
    local.writeTo(bytes, 4);
    hostOrder(bytes).putInt(8, interfaceIndex);
    return bytes;
  }

  /** {@code struct pollfd {int fd; short events; short revents;}}. */
  static byte[] pollfd(int fd, short events) {
    byte[] bytes = new byte[POLLFD_SIZE];
    ByteBuffer buffer = hostOrder(bytes);
    buffer.putInt(0, fd);
    buffer.putShort(4, events);
    return bytes;
  }

  static short pollfdRevents(byte[] pollfd) {
    return hostOrder(pollfd).getShort(6);
  }

  /** An {@code int} option value for setsockopt. */
  static byte[] intValue(int value) {
    byte[] bytes = new byte[4];
    hostOrder(bytes).putInt(0, value);
    return bytes;
  }

  /** A NUL-terminated C string, as SO_BINDTODEVICE and IFA_LABEL take it. */
  static byte[] cString(String text) {
    byte[] ascii = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] bytes = new byte[ascii.length + 1];
    System.arraycopy(ascii, 0, bytes, 0, ascii.length);
    return bytes;
  }
}
