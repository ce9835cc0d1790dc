package org.ha4j.proxy;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * nginx's access and limit phases for a new session, before any server is picked: refused while the
 * proxy drains (503), by the listener's access rules (403, {@code allow}/{@code deny}) or by its
 * connection limits (503, {@code limit_conn}); otherwise handed to the {@link UpstreamConnector}.
 * Also gives the session's place back when it ends. Runs on the client's event loop; {@link #leave}
 * on any thread.
 */
final class Admission {

  private final Drain drain;
  private final UpstreamConnector upstreams;

  Admission(Drain drain, UpstreamConnector upstreams) {
    this.drain = drain;
    this.upstreams = upstreams;
  }

  /**
   * A connection was accepted: it counts as active, and a stopping proxy ends it, from now on (also
   * while its PROXY header is awaited).
   */
  void arrive(Session session) {
    ListenerRuntime l = session.listener;
    l.accepted.increment();
    drain.enter(session);
    l.active.incrementAndGet();
  }

  /** The session's client is known (after its PROXY header, if any): rules, limits, upstream. */
  void admit(Session session) {
    ListenerRuntime l = session.listener;
    ListenerSettings settings = l.settings;
    InetAddress clientIp = session.remote.getAddress();
    int maxPerClient = settings.maxConnectionsPerClient();
    if (maxPerClient > 0) {
      l.perClient.computeIfAbsent(clientIp, k -> new AtomicInteger()).incrementAndGet();
      session.perClientKey = clientIp;
    }
    if (drain.draining()) {
      session.finish(SessionStatus.SERVICE_UNAVAILABLE);
      return;
    }
    if (!settings.accessRules().allows(clientIp)) {
      Proxy.log.debug("{}: access forbidden by rule", session);
      session.finish(SessionStatus.FORBIDDEN);
      return;
    }
    int max = settings.maxConnections();
    if ((max > 0 && l.active.get() > max)
        || (maxPerClient > 0 && l.perClient.get(clientIp).get() > maxPerClient)) {
      Proxy.log.debug("{}: limiting connections", session);
      session.finish(SessionStatus.SERVICE_UNAVAILABLE);
      return;
    }
    upstreams.start(session);
  }

  /** The session has ended: it no longer counts against the limits. */
  void leave(Session session) {
    ListenerRuntime l = session.listener;
    l.active.decrementAndGet();
    InetAddress ip = session.perClientKey;
    if (ip != null) {
      AtomicInteger count = l.perClient.get(ip);
      if (count != null && count.decrementAndGet() <= 0) {
        l.perClient.remove(ip, count);
      }
    }
  }
}
