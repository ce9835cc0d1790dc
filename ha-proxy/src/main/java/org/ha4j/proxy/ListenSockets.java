package org.ha4j.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;

/**
 * Listening sockets of the family of their address, as nginx opens them: an IPv4 address (the
 * wildcard included) gets an IPv4 socket, so {@code listen 8080} never accepts IPv6 clients; an
 * IPv6 address gets an IPv6-only socket (nginx's default {@code ipv6only=on}) on epoll. The JDK
 * cannot set IPV6_V6ONLY, so on NIO an IPv6 wildcard also accepts IPv4 clients; they arrive as IPv4
 * addresses and meet the access rules as such.
 */
final class ListenSockets {

  /**
   * {@code setsockopt(IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26)}, from Linux's {@code <netinet/in.h>}.
   */
  private static final int IPPROTO_IPV6 = 41;

  private static final int IPV6_V6ONLY = 26;
  private static final IntegerUnixChannelOption V6_ONLY =
      new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY);

  private ListenSockets() {}

  static boolean isIpv6(InetSocketAddress address) {
    return address.getAddress() instanceof Inet6Address;
  }

  static SocketProtocolFamily family(InetSocketAddress address) {
    return isIpv6(address) ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
  }

  /** Sets the channel type for {@code address}'s family, IPv6-only on epoll. */
  static ServerBootstrap forAddress(
      ServerBootstrap bootstrap, InetSocketAddress address, boolean epoll) {
    SocketProtocolFamily family = family(address);
    if (!epoll) {
      return bootstrap.channelFactory(() -> new NioListener(SelectorProvider.provider(), family));
    }
    bootstrap.channelFactory(() -> (ServerChannel) new EpollServerSocketChannel(family));
    return isIpv6(address) ? bootstrap.option(V6_ONLY, 1) : bootstrap;
  }

  /**
   * A NIO listening socket that tells when it is really closed: the JDK defers closing a channel
   * registered with a selector until the selector has dropped its key, so for a moment after
   * close() the port still listens, and the handshakes it completes then are reset.
   */
  static final class NioListener extends NioServerSocketChannel {
    NioListener(SelectorProvider provider, SocketProtocolFamily family) {
      super(provider, family);
    }

    /** No selector holds the socket any more: once closed, it is closed in the kernel too. */
    boolean released() {
      return !javaChannel().isRegistered();
    }
  }

  /**
   * The per-loop epoll listeners share their port through SO_REUSEPORT, which would also let any
   * other socket that sets it (a second ha4j started on the same port by mistake) bind the port and
   * silently take a share of the connections. Unless {@code reuseport} was asked for, the port is
   * first bound once without SO_REUSEPORT, in the listeners' family and IPv6-only like them (so
   * {@code listen 80} and {@code listen [::]:80} stand together, as in nginx): that fails with a
   * BindException exactly where nginx's {@code listen} would, and it resolves port 0 to the port
   * the per-loop listeners then share.
   */
  static InetSocketAddress claimExclusively(InetSocketAddress address) throws IOException {
    LinuxSocket probe = LinuxSocket.newSocketStream(family(address));
    try {
      probe.setReuseAddress(true); // as the listeners: TIME_WAIT is no conflict
      if (isIpv6(address)) {
        probe.setIntOpt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
      }
      try {
        probe.bind(address);
      } catch (IOException e) {
        // the JDK's type for it, as a NIO listener would throw
        BindException failure = new BindException("bind " + address + ": " + e.getMessage());
        failure.initCause(e);
        throw failure;
      }
      return new InetSocketAddress(address.getAddress(), probe.localAddress().getPort());
    } finally {
      probe.close();
    }
  }
}
