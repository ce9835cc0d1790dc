package org.ha4j.proxy;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One listener of a running proxy: what it was configured with, its sockets and its counters. The
 * counters are written by the types of the session path ({@link ListenerBinding}, {@link
 * Admission}, {@link SessionAccounting}, {@link Session}'s byte counts) on any event loop, and read
 * by {@link #stats()} from any thread.
 *
 * <p>The configuration ({@link #spec}, {@link #settings}) is immutable: a reload that keeps the
 * listener makes a new instance with {@link #reconfigured}, which shares this one's sockets,
 * counters and limit counts, and hands it to the listener's {@link AcceptHandler}. A session keeps
 * the instance it was accepted under, so it sees one whole configuration from its start to its end.
 */
final class ListenerRuntime {

  final Proxy.Listener spec;

  /** The listener's settings completed by the proxy's defaults. */
  final ListenerSettings settings;

  /**
   * Sessions per client address, kept by {@link Admission} only when there is a per-client limit.
   */
  final Map<InetAddress, AtomicInteger> perClient;

  final LongAdder accepted;

  /** accept() calls that failed (out of descriptors, ENOBUFS, ...). */
  final LongAdder acceptFailures;

  final AtomicInteger active;
  final LongAdder ok;
  final LongAdder forbidden;
  final LongAdder unavailable;
  final LongAdder badGateway;
  final LongAdder bytesReceived;
  final LongAdder bytesSent;

  /** Sessions ended, whatever their status, and how long they lasted in total. */
  final LongAdder ended;

  final LongAdder sessionNanos;

  /**
   * Every bound socket: one per event loop with SO_REUSEPORT on epoll, else one; the first gives
   * the address. The same list in every configuration of one listener: it is the listener's
   * identity ({@link #sameListener}).
   */
  final List<Channel> channels;

  /**
   * The handler the sockets hand accepted connections to; set by the proxy when it binds them,
   * under the proxy's lock.
   */
  AcceptHandler accept;

  ListenerRuntime(Proxy.Listener spec, ListenerSettings defaults) {
    this(spec, spec.settings().orElse(defaults), null);
  }

  /** With {@code shared}'s sockets and counters, or new ones when null. */
  private ListenerRuntime(Proxy.Listener spec, ListenerSettings settings, ListenerRuntime shared) {
    this.spec = spec;
    this.settings = settings;
    boolean fresh = shared == null;
    this.perClient = fresh ? new ConcurrentHashMap<>() : shared.perClient;
    this.accepted = fresh ? new LongAdder() : shared.accepted;
    this.acceptFailures = fresh ? new LongAdder() : shared.acceptFailures;
    this.active = fresh ? new AtomicInteger() : shared.active;
    this.ok = fresh ? new LongAdder() : shared.ok;
    this.forbidden = fresh ? new LongAdder() : shared.forbidden;
    this.unavailable = fresh ? new LongAdder() : shared.unavailable;
    this.badGateway = fresh ? new LongAdder() : shared.badGateway;
    this.bytesReceived = fresh ? new LongAdder() : shared.bytesReceived;
    this.bytesSent = fresh ? new LongAdder() : shared.bytesSent;
    this.ended = fresh ? new LongAdder() : shared.ended;
    this.sessionNanos = fresh ? new LongAdder() : shared.sessionNanos;
    this.channels = fresh ? new CopyOnWriteArrayList<>() : shared.channels;
    this.accept = fresh ? null : shared.accept;
  }

  /**
   * This listener (its sockets, counters and sessions per client) with another configuration whose
   * settings are already completed by a proxy's defaults: what a reload gives a listener it keeps.
   */
  ListenerRuntime reconfigured(Proxy.Listener spec, ListenerSettings settings) {
    return new ListenerRuntime(spec, settings, this);
  }

  /** A new listener, not bound yet, with settings already completed by a proxy's defaults. */
  static ListenerRuntime fresh(Proxy.Listener spec, ListenerSettings settings) {
    return new ListenerRuntime(spec, settings, null);
  }

  /** Whether both are configurations of one listener (the same sockets). */
  boolean sameListener(ListenerRuntime other) {
    return channels == other.channels;
  }

  Upstream upstream() {
    return spec.upstream();
  }

  /** The address bound (ephemeral port resolved) once bound, else the one configured. */
  InetSocketAddress boundAddress() {
    return channels.isEmpty() ? spec.address() : (InetSocketAddress) channels.get(0).localAddress();
  }

  String address() {
    InetSocketAddress a = boundAddress();
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Bound, and every socket still open. */
  boolean bound() {
    boolean bound = !channels.isEmpty();
    for (Channel c : channels) {
      bound &= c.isActive();
    }
    return bound;
  }

  void countStatus(int status) {
    switch (status) {
      case SessionStatus.OK -> ok.increment();
      case SessionStatus.FORBIDDEN -> forbidden.increment();
      case SessionStatus.SERVICE_UNAVAILABLE -> unavailable.increment();
      case SessionStatus.BAD_GATEWAY -> badGateway.increment();
      default -> {}
    }
  }

  ListenerStats stats() {
    return new ListenerStats(
        address(),
        accepted.sum(),
        active.get(),
        ok.sum(),
        forbidden.sum(),
        unavailable.sum(),
        badGateway.sum(),
        bytesReceived.sum(),
        bytesSent.sum(),
        acceptFailures.sum(),
        ended.sum(),
        sessionNanos.sum());
  }
}
