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
 */
final class ListenerRuntime {

  final Proxy.Listener spec;

  /** The listener's settings completed by the proxy's defaults. */
  final ListenerSettings settings;

  /**
   * Sessions per client address, kept by {@link Admission} only when there is a per-client limit.
   */
  final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

  final LongAdder accepted = new LongAdder();

  /** accept() calls that failed (out of descriptors, ENOBUFS, ...). */
  final LongAdder acceptFailures = new LongAdder();

  final AtomicInteger active = new AtomicInteger();
  final LongAdder ok = new LongAdder();
  final LongAdder forbidden = new LongAdder();
  final LongAdder unavailable = new LongAdder();
  final LongAdder badGateway = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder bytesSent = new LongAdder();

  /** Sessions ended, whatever their status, and how long they lasted in total. */
  final LongAdder ended = new LongAdder();

  final LongAdder sessionNanos = new LongAdder();

  /**
   * Every bound socket: one per event loop with SO_REUSEPORT on epoll, else one; the first gives
   * the address.
   */
  final List<Channel> channels = new CopyOnWriteArrayList<>();

  ListenerRuntime(Proxy.Listener spec, ListenerSettings defaults) {
    this.spec = spec;
    this.settings = spec.settings().orElse(defaults);
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
