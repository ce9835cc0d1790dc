package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.time.Ticker;

/**
 * One client connection and everything it leads to: the server attempts, the relay, the counters
 * that end up in the access log. Created by {@link AcceptHandler}, admitted by {@link Admission},
 * connected by {@link UpstreamConnector}, relayed by a {@link Relay} and accounted by {@link
 * SessionAccounting}.
 */
final class Session {

  /** One connection attempt, for {@code $upstream_*} variables. */
  static final class AttemptRecord {
    final String address;

    /** Set by {@link UpstreamConnector} once connected. */
    volatile long connectMillis = -1;

    /** Counted by {@link Session#countFromClient}/{@link Session#countToClient}. */
    volatile long bytesSent;

    volatile long bytesReceived;

    AttemptRecord(String address) {
      this.address = address;
    }
  }

  final long id;
  final ListenerRuntime listener;
  final Channel client;

  /** The connecting peer: nginx's {@code $realip_remote_addr}. */
  final InetSocketAddress peer;

  /**
   * The client: the connecting peer, or the source of its PROXY header when {@code
   * set_real_ip_from} trusts the peer. Written only by {@link ProxyHeaderReader}, before the
   * session is admitted; from then on fixed.
   */
  volatile InetSocketAddress remote;

  /**
   * The source and destination of the client's PROXY header ({@code $proxy_protocol_addr}, {@code
   * $proxy_protocol_server_addr}), null without one or for a header that carries none ({@code
   * UNKNOWN}, {@code LOCAL}). Written only by {@link ProxyHeaderReader}, before admission.
   */
  volatile InetSocketAddress proxiedSource;

  volatile InetSocketAddress proxiedDestination;

  /**
   * The address this session counts under for the per-client limit, null while it counts under
   * none. Written only by {@link Admission}.
   */
  volatile java.net.InetAddress perClientKey;

  final InetSocketAddress local;
  final long startNanos;
  final long startMillis;

  /** The server side: written only by {@link UpstreamConnector}, on the client's event loop. */
  final UpstreamConnector.Connection server = new UpstreamConnector.Connection();

  /** The idle check: armed only by {@link IdleTimer}. */
  final IdleTimer.Slot idle = new IdleTimer.Slot();

  /**
   * The relay's handler for client events, once the relay has started (the client pipeline never
   * changes). Written by the session's {@link Relay} on the client's event loop, before it reads
   * the client.
   */
  io.netty.channel.ChannelInboundHandler clientRelay;

  // Written only through countFromClient/countToClient/activity, by the thread that relays the
  // session.
  private volatile long bytesFromClient;
  private volatile long bytesToClient;
  private volatile long lastActivityNanos;

  /** Bytes read from one side and not yet taken by the other (user-space buffers or pipes). */
  final java.util.concurrent.atomic.AtomicLong buffered =
      new java.util.concurrent.atomic.AtomicLong();

  /** The wait for the client's PROXY header, on listeners that expect one. */
  final ProxyHeaderReader.Wait header = new ProxyHeaderReader.Wait();

  /** What the client did before the relay started: written only by {@link AcceptHandler}. */
  final AcceptHandler.BeforeRelay early = new AcceptHandler.BeforeRelay();

  private final Ticker ticker;
  private final SessionAccounting accounting;
  private final AtomicBoolean finished = new AtomicBoolean();

  /**
   * How the relay closes the connections; by default through Netty. Written by the session's {@link
   * Relay}.
   */
  volatile Runnable closer = this::closeChannels;

  Session(
      long id,
      ListenerRuntime listener,
      Channel client,
      Ticker ticker,
      SessionAccounting accounting) {
    long now = ticker.nanoTime();
    this.id = id;
    this.ticker = ticker;
    this.accounting = accounting;
    this.listener = listener;
    this.client = client;
    this.peer = (InetSocketAddress) client.remoteAddress();
    this.remote = peer;
    this.local = (InetSocketAddress) client.localAddress();
    this.startNanos = now;
    this.startMillis = System.currentTimeMillis();
    this.lastActivityNanos = now;
  }

  void activity() {
    lastActivityNanos = ticker.nanoTime();
  }

  /**
   * The client's address as nginx's {@code $remote_addr} writes it: {@code 10.0.0.1}, {@code ::1}.
   */
  String remoteAddr() {
    return text(remote);
  }

  /** An address as nginx writes it in variables: {@code 10.0.0.1}, {@code ::1}. */
  static String text(InetSocketAddress address) {
    return IpAddress.of(address.getAddress()).toString();
  }

  /** The address the client connected to, as nginx's {@code $server_addr} writes it. */
  String serverAddr() {
    return IpAddress.of(local.getAddress()).toString();
  }

  long lastActivityNanos() {
    return lastActivityNanos;
  }

  /** Bytes received from the client: nginx's {@code $bytes_received}. */
  long bytesFromClient() {
    return bytesFromClient;
  }

  /** Bytes sent to the client: nginx's {@code $bytes_sent}. */
  long bytesToClient() {
    return bytesToClient;
  }

  void countFromClient(long n) {
    bytesFromClient += n;
    server.current().bytesSent += n;
    server.backend().bytesSent.add(n);
    listener.bytesReceived.add(n);
  }

  void countToClient(long n) {
    bytesToClient += n;
    server.current().bytesReceived += n;
    server.backend().bytesReceived.add(n);
    listener.bytesSent.add(n);
  }

  boolean isFinished() {
    return finished.get();
  }

  /**
   * Ends the session because one side failed mid-session ({@code byClient}: the client's
   * connection; else the server's): counted and logged under its fault name, then finished as nginx
   * ends it, with 200. Any thread.
   */
  void finishAfterReset(boolean byClient, String why) {
    if (!isFinished()) {
      accounting.reset(this, byClient, why);
    }
    finish(SessionStatus.OK);
  }

  /**
   * Ends the session once: closes connections, returns the server slot, counts, logs. Any thread.
   */
  void finish(int status) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    try {
      closer.run();
    } finally {
      accounting.finished(this, status);
    }
  }

  /** Closes both sides; a reset ({@code rst}) makes the kernel send RST instead of FIN. */
  void closeChannels() {
    client.close();
    Channel b = server.channel();
    if (b != null) {
      b.close();
    }
  }

  static void resetAndClose(Channel channel) {
    if (channel == null || !channel.isOpen()) {
      return;
    }
    try {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException ignored) {
      // an already half-dead socket may refuse options; closing still happens below
    }
    channel.close();
  }

  @Override
  public String toString() {
    return "session#" + id + " " + remote;
  }
}
