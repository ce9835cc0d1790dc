package org.ha4j.proxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload changes, worked out before anything changes: which running listener each of the
 * replacement's listeners keeps (or that it needs a new socket), which running listeners go, and
 * which upstream object each name ends up with. Rejects what cannot change on a bound socket.
 *
 * <p>A replacement listener keeps a running one whose address, as configured or as bound, is its
 * address (so {@code 127.0.0.1:0} keeps the ephemeral port it got, and naming that port keeps it
 * too). An upstream keeps its object by name: {@link Upstream#reconfigure} takes the replacement's
 * servers into it, so its servers' state carries over.
 */
final class ReloadPlan {

  /**
   * One listener of the new configuration.
   *
   * @param kept the running listener whose socket it keeps, or null for a new socket
   * @param spec the replacement's listener, with the upstream it resolves to here
   * @param settings the replacement's settings, completed by the replacement's defaults
   */
  record Next(ListenerRuntime kept, Proxy.Listener spec, ListenerSettings settings) {}

  final List<Next> listeners;
  final List<ListenerRuntime> removed;

  /** The upstreams after the reload, by name in the replacement's order. */
  final Map<String, Upstream> upstreams;

  /** Running upstreams (keys) that take a replacement's servers and method (values). */
  final Map<Upstream, Upstream> reconfigured;

  /** The replacement's upstreams that come in as they are (new names). */
  final List<Upstream> added;

  private ReloadPlan(
      List<Next> listeners,
      List<ListenerRuntime> removed,
      Map<String, Upstream> upstreams,
      Map<Upstream, Upstream> reconfigured,
      List<Upstream> added) {
    this.listeners = listeners;
    this.removed = removed;
    this.upstreams = upstreams;
    this.reconfigured = reconfigured;
    this.added = added;
  }

  /**
   * @throws IllegalArgumentException a kept listener's backlog or reuseport differs: both are
   *     properties of the bound socket, so changing them needs a restart
   */
  static ReloadPlan of(
      List<ListenerRuntime> running,
      Map<String, Upstream> runningUpstreams,
      List<ListenerRuntime> offered,
      Map<String, Upstream> offeredUpstreams) {
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    Map<Upstream, Upstream> reconfigured = new IdentityHashMap<>();
    List<Upstream> added = new ArrayList<>();
    for (Upstream u : offeredUpstreams.values()) {
      Upstream current = runningUpstreams.get(u.name());
      if (current == null) {
        upstreams.put(u.name(), u);
        added.add(u);
      } else {
        upstreams.put(u.name(), current);
        if (current != u) { // the same object in both (an application's own) has nothing to take
          reconfigured.put(current, u);
        }
      }
    }
    List<ListenerRuntime> left = new ArrayList<>(running);
    List<Next> next = new ArrayList<>();
    for (ListenerRuntime o : offered) {
      ListenerRuntime kept = match(left, o.spec.address());
      Proxy.Listener spec = o.spec;
      if (kept != null) {
        left.remove(kept);
        requireSameSocket(kept.spec, spec);
      }
      Proxy.Listener resolved =
          new Proxy.Listener(
              kept != null ? kept.spec.address() : spec.address(),
              upstreams.get(spec.upstream().name()),
              spec.backlog(),
              spec.reusePort(),
              spec.settings(),
              spec.proxyProtocol());
      next.add(new Next(kept, resolved, o.settings));
    }
    return new ReloadPlan(
        Collections.unmodifiableList(next),
        Collections.unmodifiableList(left),
        Collections.unmodifiableMap(upstreams),
        reconfigured,
        added);
  }

  private static ListenerRuntime match(List<ListenerRuntime> running, InetSocketAddress address) {
    for (ListenerRuntime l : running) {
      if (l.spec.address().equals(address) || l.boundAddress().equals(address)) {
        return l;
      }
    }
    return null;
  }

  private static void requireSameSocket(Proxy.Listener running, Proxy.Listener offered) {
    if (running.backlog() != offered.backlog()) {
      throw new IllegalArgumentException(
          "listen "
              + running.address()
              + ": backlog "
              + running.backlog()
              + " -> "
              + offered.backlog()
              + " changes the bound socket: a restart is needed (or remove the listener in one"
              + " reload and add it in the next)");
    }
    if (running.reusePort() != offered.reusePort()) {
      throw new IllegalArgumentException(
          "listen "
              + running.address()
              + ": reuseport "
              + (running.reusePort() ? "on -> off" : "off -> on")
              + " changes the bound socket: a restart is needed (or remove the listener in one"
              + " reload and add it in the next)");
    }
  }
}
