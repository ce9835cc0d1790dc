package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * nginx's {@code proxy_protocol on}: the PROXY header that opens a backend connection, carrying the
 * session's client ({@code $remote_addr}, so the real client when {@code set_real_ip_from} trusted
 * a PROXY header in front) and the address it connected to. Written before any client byte, once
 * per connected attempt; Netty's {@link HAProxyMessageEncoder} encodes it, in the backend's
 * pipeline only for that one write. Counted in {@code $upstream_bytes_sent}, as nginx counts it.
 * Runs on the session's event loop.
 */
final class ProxyHeaderWriter {

  private ProxyHeaderWriter() {}

  static void write(Session session, Channel backend, ProxyProtocol version) {
    HAProxyMessage header = header(version, session.remote, session.local);
    ChannelOutboundBuffer queued = backend.unsafe().outboundBuffer();
    long before = queued == null ? 0 : queued.totalPendingWriteBytes();
    backend.pipeline().addLast(HAProxyMessageEncoder.INSTANCE);
    try {
      backend.write(header); // encoded and queued before write() returns: we are on its event loop
    } finally {
      backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }
    if (queued != null) {
      session.server.current().bytesSent += queued.totalPendingWriteBytes() - before;
    }
  }

  /**
   * The header for a session from {@code client} to {@code server}. Addresses of two families (an
   * IPv4 client behind a PROXY header on an IPv6 listener) are both written as IPv6, the IPv4 one
   * mapped ({@code ::ffff:a.b.c.d}), since a header has one family.
   */
  static HAProxyMessage header(
      ProxyProtocol version, InetSocketAddress client, InetSocketAddress server) {
    HAProxyProtocolVersion v =
        switch (version) {
          case V1 -> HAProxyProtocolVersion.V1;
          case V2 -> HAProxyProtocolVersion.V2;
          case OFF -> throw new IllegalArgumentException("no header for ProxyProtocol.OFF");
        };
    boolean ipv4 =
        client.getAddress() instanceof Inet4Address && server.getAddress() instanceof Inet4Address;
    return new HAProxyMessage(
        v,
        HAProxyCommand.PROXY,
        ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        text(client.getAddress(), ipv4),
        text(server.getAddress(), ipv4),
        client.getPort(),
        server.getPort());
  }

  private static String text(InetAddress address, boolean ipv4) {
    if (ipv4 || !(address instanceof Inet4Address)) {
      return org.ha4j.core.net.IpAddress.of(address).toString();
    }
    return "::ffff:" + address.getHostAddress();
  }
}
