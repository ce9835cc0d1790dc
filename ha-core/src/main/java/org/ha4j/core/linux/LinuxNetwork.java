package org.ha4j.core.linux;

import java.io.IOException;

/**
 * Entry point to the Linux native layer: factories for the sockets ha4j needs. Everything returned
 * is a JNA-free interface, so callers and their tests never see JNA. Every failure is a {@link
 * NativeCallException} naming the call; a refusal for lack of privilege is a {@link
 * MissingPrivilegeException} naming the capability.
 */
public final class LinuxNetwork {

  private LinuxNetwork() {}

  /** A raw IPv4 socket for {@code protocol} (112 for VRRP). Needs CAP_NET_RAW. */
  public static RawIpSocket openRawIp(int protocol) throws IOException {
    if (protocol < 1 || protocol > 255) {
      throw new IllegalArgumentException("IP protocol must be 1-255, got " + protocol);
    }
    return new NativeRawIpSocket(protocol);
  }

  /**
   * A raw IPv6 socket for {@code protocol}: 112 for VRRP, 58 for ICMPv6 (neighbour advertisements).
   * Needs CAP_NET_RAW.
   */
  public static RawIpv6Socket openRawIpv6(int protocol) throws IOException {
    if (protocol < 1 || protocol > 255) {
      throw new IllegalArgumentException("IP protocol must be 1-255, got " + protocol);
    }
    return new NativeRawIpv6Socket(protocol);
  }

  /**
   * A {@link ScheduledSender} on {@code socket}'s descriptor: the kernel sends its datagrams at
   * their due times from an io_uring of {@code entries} submission entries (a power of two,
   * 2-4096). Close it before the socket.
   *
   * @throws NativeCallException naming {@code io_uring_setup} when the kernel has no io_uring
   *     (ENOSYS) or refuses it (EPERM: {@code kernel.io_uring_disabled}, a seccomp filter)
   */
  public static ScheduledSender openScheduledSender(RawIpSocket socket, int entries)
      throws NativeCallException {
    if (!(socket instanceof NativeRawIpSocket nativeSocket)) {
      throw new IllegalArgumentException("a socket from openRawIp is needed, got " + socket);
    }
    return scheduledSender(nativeSocket.socket(), false, 0, entries);
  }

  /**
   * As {@link #openScheduledSender(RawIpSocket, int)} on an IPv6 socket; {@code
   * scopeInterfaceIndex} names the link of link-local and multicast destinations.
   */
  public static ScheduledSender openScheduledSender(
      RawIpv6Socket socket, int scopeInterfaceIndex, int entries) throws NativeCallException {
    if (!(socket instanceof NativeRawIpv6Socket nativeSocket)) {
      throw new IllegalArgumentException("a socket from openRawIpv6 is needed, got " + socket);
    }
    return scheduledSender(nativeSocket.socket(), true, scopeInterfaceIndex, entries);
  }

  private static ScheduledSender scheduledSender(
      NativeSocket socket, boolean ipv6, int scope, int entries) throws NativeCallException {
    if (entries < 2 || entries > 4096 || Integer.bitCount(entries) != 1) {
      throw new IllegalArgumentException(
          "io_uring entries must be a power of two in 2-4096, got " + entries);
    }
    IoUringRing ring = IoUringRing.open(entries);
    IoUringScheduledSender sender =
        new IoUringScheduledSender(ring, socket.fd(), ipv6, scope, socket.description());
    try {
      sender.probe(java.time.Duration.ofSeconds(1));
    } catch (NativeCallException | RuntimeException e) {
      sender.close();
      throw e;
    }
    return sender;
  }

  /** A send-only packet socket for whole Ethernet frames. Needs CAP_NET_RAW. */
  public static PacketSocket openPacket() throws IOException {
    return new NativePacketSocket();
  }

  /**
   * An rtnetlink request socket. Reading needs no privilege; changing addresses needs
   * CAP_NET_ADMIN.
   */
  public static RouteNetlink openRouteNetlink() throws IOException {
    return new NativeRouteNetlink();
  }

  /** An rtnetlink socket that hears link changes. Needs no privilege. */
  public static LinkMonitor openLinkMonitor() throws IOException {
    return new NativeLinkMonitor();
  }

  /** An AF_UNIX datagram socket, unbound: systemd's notify protocol. Needs no privilege. */
  public static UnixDatagramSocket openUnixDatagram() throws IOException {
    return new NativeUnixDatagramSocket();
  }

  /**
   * {@code if_nametoindex(3)}.
   *
   * @throws NativeCallException (ENODEV) when there is no such interface in this network namespace
   */
  public static int interfaceIndex(String name) throws NativeCallException {
    if (name.isEmpty() || name.length() >= LinuxConstants.Rtnetlink.IFNAMSIZ) {
      throw new IllegalArgumentException(
          "an interface name has 1-15 characters, got '" + name + "'");
    }
    int index = LibC.if_nametoindex(name);
    if (index == 0) {
      // if_nametoindex(3) reports a missing interface as 0 with errno ENODEV
      int left = LibC.errno();
      int errno = left == 0 ? Errno.ENODEV : left;
      throw new NativeCallException("if_nametoindex(" + name + ")", errno, LibC.describe(errno));
    }
    return index;
  }
}
