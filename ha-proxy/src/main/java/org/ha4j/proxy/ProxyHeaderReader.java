package org.ha4j.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;

/**
 * The PROXY protocol header a client of a {@code listen ... proxy_protocol} listener must open
 * with, read before the session is admitted, as nginx reads it before its post-accept phase.
 *
 * <p>Netty's {@link HAProxyMessageDecoder} (first in the client's pipeline of such listeners) does
 * the parsing, v1 and v2, across any number of reads; it removes itself once the header is read and
 * passes the bytes that followed it in the same read on to {@link AcceptHandler}, which keeps them
 * for the relay like any other early bytes. This class decides what the header means for the
 * session: its source and destination become {@code $proxy_protocol_addr} and friends; with {@code
 * set_real_ip_from} trusting the connecting peer, the source becomes the client ({@code
 * $remote_addr}, access rules, limits, hashing), as {@code ngx_stream_realip_module} does. A header
 * that carries no addresses ({@code PROXY UNKNOWN}, a v2 {@code LOCAL} command) leaves the session
 * as it was. A bad header or the end of the connection before the header ended is a {@link
 * ProxyFault#PROXY_PROTOCOL_BAD_HEADER} (400), no complete header within {@code
 * proxy_protocol_timeout} a {@link ProxyFault#PROXY_PROTOCOL_TIMEOUT} (200, as nginx logs it).
 *
 * <p>Runs on the client's event loop.
 */
final class ProxyHeaderReader {

  /**
   * The longest header accepted, nginx's {@code NGX_PROXY_PROTOCOL_MAX_HEADER}; a v1 line is
   * limited to 108 bytes by the protocol itself.
   */
  static final int MAX_HEADER_BYTES = 4096;

  /**
   * The fixed part of a v2 header (16 bytes) plus the largest address block (two AF_UNIX paths).
   */
  private static final int V2_LARGEST_WITHOUT_TLVS = 16 + 216;

  /**
   * A session's header wait. Private to this nested class: only {@link ProxyHeaderReader} writes
   * it, on the client's event loop.
   */
  static final class Wait {
    private boolean awaiting;
    private volatile Future<?> deadline;

    /** The header is still to come: the session is not admitted yet. */
    boolean awaiting() {
      return awaiting;
    }
  }

  private final Admission admission;
  private final FaultLog faults;

  ProxyHeaderReader(Admission admission, FaultLog faults) {
    this.admission = admission;
    this.faults = faults;
  }

  /** The decoder for one client connection (it keeps that connection's partial header). */
  static ChannelHandler newDecoder() {
    return new HAProxyMessageDecoder(MAX_HEADER_BYTES - V2_LARGEST_WITHOUT_TLVS);
  }

  /** A client connected: reads its header, ends the session if it takes too long. */
  void await(Session session) {
    Wait wait = session.header;
    wait.awaiting = true;
    long timeoutNanos = session.listener.settings.proxyProtocolTimeout().toNanos();
    wait.deadline =
        session
            .client
            .eventLoop()
            .schedule(() -> timedOut(session), timeoutNanos, TimeUnit.NANOSECONDS);
    session.client.read(); // auto-read is off; the decoder asks for more until the header is whole
  }

  /** The decoder read the whole header: the session takes its addresses and is admitted. */
  void received(Session session, HAProxyMessage header) {
    try {
      Wait wait = session.header;
      if (!wait.awaiting || session.isFinished()) {
        return;
      }
      stopWaiting(wait);
      if (header.command() == HAProxyCommand.PROXY) {
        InetSocketAddress source =
            address(header.proxiedProtocol(), header.sourceAddress(), header.sourcePort());
        InetSocketAddress destination =
            address(
                header.proxiedProtocol(), header.destinationAddress(), header.destinationPort());
        if (source != null && destination != null) {
          session.proxiedSource = source;
          session.proxiedDestination = destination;
          if (trusted(session.listener.settings.realIpFrom(), session.peer)) {
            session.remote = source;
          }
        }
      }
    } finally {
      header.release();
    }
    admission.admit(session);
  }

  /** The decoder refused what the client sent, or the client ended its connection first. */
  void rejected(Session session, String why) {
    Wait wait = session.header;
    if (!wait.awaiting || session.isFinished()) {
      return;
    }
    stopWaiting(wait);
    faults.report(ProxyFault.PROXY_PROTOCOL_BAD_HEADER, session + ": " + why);
    session.finish(SessionStatus.BAD_REQUEST);
  }

  private void timedOut(Session session) {
    Wait wait = session.header;
    if (!wait.awaiting || session.isFinished()) {
      return;
    }
    wait.awaiting = false;
    faults.report(
        ProxyFault.PROXY_PROTOCOL_TIMEOUT,
        session + ": no whole header within " + session.listener.settings.proxyProtocolTimeout());
    session.finish(SessionStatus.OK);
  }

  /** When the session ends before its header did: the timer goes at once. Any thread. */
  static void cancel(Session session) {
    Future<?> deadline = session.header.deadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private static void stopWaiting(Wait wait) {
    wait.awaiting = false;
    wait.deadline.cancel(false);
  }

  /**
   * An address of the header; null for families without one ({@code UNKNOWN}, {@code AF_UNIX}). The
   * decoder has checked the text is an address literal of the family, so no lookup happens.
   */
  private static InetSocketAddress address(HAProxyProxiedProtocol protocol, String text, int port) {
    return switch (protocol.addressFamily()) {
      case AF_IPv4, AF_IPv6 -> new InetSocketAddress(IpAddress.parse(text).toInetAddress(), port);
      default -> null;
    };
  }

  /** Whether {@code set_real_ip_from} trusts the connecting peer. */
  static boolean trusted(List<IpCidr> realIpFrom, InetSocketAddress peer) {
    if (realIpFrom.isEmpty()) {
      return false;
    }
    IpAddress address = IpAddress.of(peer.getAddress()).unmapped();
    for (IpCidr cidr : realIpFrom) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
