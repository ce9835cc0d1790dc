package org.ha4j.proxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.ha4j.core.health.HealthSource;
import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.Peer;
import org.ha4j.proxy.balance.PeerGroup;
import org.ha4j.proxy.balance.Selector;
import org.ha4j.proxy.balance.ServerSpec;

/**
 * A named group of backend servers and the method that balances across them (nginx's {@code
 * upstream}).
 *
 * <p>Thread-safe: every selection and every change happens under this object's lock, which is short
 * (a pick is a few hundred nanoseconds at most). Changing the servers at runtime ({@link
 * #addServer}, {@link #removeServer}, {@link #drain}, {@link #reweight}, or a proxy's reload)
 * builds a new selector around the same peer objects; sessions already established, and sessions
 * retrying after a failed connect, keep the group they picked from; a session that has not picked
 * yet picks from the newest group.
 */
public final class Upstream {

  /** Per-backend counters, kept outside the lock. */
  static final class Backend {
    final Peer peer;
    final InetSocketAddress address;
    final LongAdder picks = new LongAdder();
    final LongAdder sessions = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    HealthSource.Subscription health;

    /** What {@link #health} watches, so a reload can carry the check over. */
    HealthSource healthSource;

    Backend(Peer peer) {
      this.peer = peer;
      this.address = new InetSocketAddress(peer.spec().host(), peer.spec().port());
    }
  }

  private final String name;
  private volatile BalancingStrategy strategy;
  private final Map<Peer, Backend> backends = new HashMap<>();
  private final List<Peer> order = new ArrayList<>();

  /**
   * Servers a reload removed while sessions still used them, by address: kept with their counts
   * until those sessions end, so a reload that adds one back continues its state (least_conn counts
   * its sessions, max_fails its failures) instead of starting at zero beside them.
   */
  private final Map<String, Backend> retired = new HashMap<>();

  private PeerGroup group;
  private Selector selector;

  /**
   * Selectors of recent earlier configurations, for sessions that started before a change and
   * retry.
   */
  private final Map<PeerGroup, Selector> earlier =
      new java.util.LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerGroup, Selector> eldest) {
          return size() > 4;
        }
      };

  private volatile Consumer<Upstream> changeListener = u -> {};

  public Upstream(String name, BalancingStrategy strategy, List<ServerSpec> servers) {
    this.name = Objects.requireNonNull(name, "name");
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("upstream " + name + " needs at least one server");
    }
    for (ServerSpec spec : servers) {
      Peer peer = new Peer(spec);
      order.add(peer);
      backends.put(peer, new Backend(peer));
    }
    rebuild();
  }

  public String name() {
    return name;
  }

  public BalancingStrategy strategy() {
    return strategy;
  }

  private void rebuild() {
    if (group != null) {
      earlier.put(group, selector);
    }
    PeerGroup next = new PeerGroup(order);
    Selector nextSelector = strategy.newSelector(next);
    group = next;
    selector = nextSelector;
  }

  void onChange(Consumer<Upstream> listener) {
    this.changeListener = listener;
  }

  // ---- selection, called by sessions ----

  synchronized Attempt newAttempt(byte[] key, byte[] clientAddress, int nextUpstreamTries) {
    return group.newAttempt(key, clientAddress, nextUpstreamTries);
  }

  /** Picks a server; null means no live upstream (502). */
  Backend select(Attempt attempt, long now) {
    Peer peer;
    Backend backend;
    synchronized (this) {
      // a session that has not picked yet picks among the current servers, whatever changed since
      // it started
      group.takeOver(attempt);
      Selector s = attempt.group() == group ? selector : earlier.get(attempt.group());
      if (s == null) {
        // the group changed several times since the session started: keep its group, new selector
        try {
          s = strategy.newSelector(attempt.group());
        } catch (IllegalArgumentException e) {
          // a reload changed the method to one the session's group does not suit (backups under
          // hash): this session has no server left to try
          attempt.group().release(attempt, false, now);
          return null;
        }
      }
      peer = s.select(attempt, now);
      backend = peer == null ? null : backends.get(peer);
      while (peer != null && backend == null) {
        // a retry on the group the session started with picked a server removed since: not one to
        // connect to; give the slot back and pick again while tries remain
        attempt.group().release(attempt, false, now);
        peer = attempt.triesLeft() == 0 ? null : s.select(attempt, now);
        backend = peer == null ? null : backends.get(peer);
      }
    }
    if (backend != null) {
      backend.picks.increment();
    }
    return backend;
  }

  void connected(Attempt attempt, Backend backend, long connectMillis) {
    synchronized (this) {
      attempt.group().connected(attempt);
      PeerGroup.recordResponseTime(backend.peer, connectMillis);
    }
    backend.sessions.increment();
  }

  void release(Attempt attempt, boolean failed, long now) {
    synchronized (this) {
      attempt.group().release(attempt, failed, now);
    }
    changeListener.accept(this);
  }

  // ---- runtime changes ----

  /**
   * Takes {@code next}'s method and servers (a reload; {@code next} has the same name and is used
   * by nothing else, it is consumed). A server with the same address in both keeps its peer: its
   * sessions, failures, health, draining and counters, with {@code next}'s parameters. New servers
   * come in with their state from {@code next}, servers missing from {@code next} get no new picks
   * while their sessions run to their end. The new method applies to the next pick; sessions that
   * started before keep the selector they started with for their retries. A health check {@code
   * next} tracks a server with replaces this upstream's for that server.
   */
  void reconfigure(Upstream next) {
    if (!next.name.equals(name)) {
      throw new IllegalArgumentException("upstream " + next.name + " is not " + name);
    }
    Map<String, HealthSource> checks = new HashMap<>();
    synchronized (this) {
      Map<String, Backend> current = new HashMap<>();
      for (Peer peer : order) {
        current.put(peer.server(), backends.get(peer));
      }
      retired.values().removeIf(b -> b.peer.conns() == 0);
      List<Peer> nextOrder = new ArrayList<>();
      Map<Peer, Backend> nextBackends = new HashMap<>();
      for (Peer offered : next.order) {
        Backend offeredBackend = next.backends.get(offered);
        if (offeredBackend.health != null) {
          offeredBackend.health.close();
          checks.put(offered.server(), offeredBackend.healthSource);
        }
        Backend kept = current.remove(offered.server());
        if (kept == null) {
          kept = retired.remove(offered.server());
        }
        Backend backend = kept == null ? offeredBackend : kept;
        if (kept != null) {
          kept.peer.reconfigure(offered.spec());
        }
        nextOrder.add(backend.peer);
        nextBackends.put(backend.peer, backend);
      }
      for (Backend gone : current.values()) {
        if (gone.health != null) {
          gone.health.close();
          gone.health = null;
        }
        if (gone.peer.conns() > 0) {
          retired.put(gone.peer.server(), gone);
        }
      }
      order.clear();
      order.addAll(nextOrder);
      backends.clear();
      backends.putAll(nextBackends);
      strategy = next.strategy;
      rebuild();
    }
    checks.forEach(this::track);
    changeListener.accept(this);
  }

  /** Adds a server; new sessions may pick it at once. */
  public void addServer(ServerSpec spec) {
    synchronized (this) {
      for (Peer peer : order) {
        if (peer.server().equals(spec.server())) {
          throw new IllegalArgumentException(
              "server " + spec.server() + " already in upstream " + name);
        }
      }
      Peer peer = new Peer(spec);
      order.add(peer);
      backends.put(peer, new Backend(peer));
      rebuild();
    }
    changeListener.accept(this);
  }

  /** Removes a server from selection; sessions already using it continue until they end. */
  public void removeServer(String server) {
    synchronized (this) {
      Peer peer = find(server);
      List<Peer> remaining = new ArrayList<>(order);
      remaining.remove(peer);
      if (remaining.stream().noneMatch(p -> !p.spec().backup())) {
        throw new IllegalArgumentException(
            "cannot remove " + server + ": upstream " + name + " would have no non-backup server");
      }
      order.remove(peer);
      Backend backend = backends.remove(peer);
      if (backend.health != null) {
        backend.health.close();
      }
      rebuild();
    }
    changeListener.accept(this);
  }

  /** Stops giving a server new sessions (or resumes with {@code false}); its sessions continue. */
  public void drain(String server, boolean draining) {
    synchronized (this) {
      find(server).setDraining(draining);
    }
    changeListener.accept(this);
  }

  /** Changes a server's weight for new selections. */
  public void reweight(String server, int weight) {
    synchronized (this) {
      find(server).reweight(weight);
      rebuild();
    }
    changeListener.accept(this);
  }

  /**
   * Gates a server on an active health check: while {@code source} is DOWN the server takes no new
   * sessions. Replaces an earlier source for the same server.
   */
  public void track(String server, HealthSource source) {
    Backend backend;
    synchronized (this) {
      backend = backends.get(find(server));
      if (backend.health != null) {
        backend.health.close();
      }
      backend.peer.setHealthy(source.current().isUp());
    }
    backend.healthSource = source;
    backend.health =
        source.subscribe(
            (s, previous, current) -> {
              synchronized (Upstream.this) {
                backend.peer.setHealthy(current.isUp());
              }
              changeListener.accept(this);
            });
    changeListener.accept(this);
  }

  private Peer find(String server) {
    for (Peer peer : order) {
      if (peer.server().equals(server)) {
        return peer;
      }
    }
    throw new IllegalArgumentException("no server " + server + " in upstream " + name);
  }

  /** Whether at least one server could take a session at {@code now}. */
  public synchronized boolean anyUsable(long now) {
    return group.anyUsable(now);
  }

  /** Counters and state of every server, in configuration order. */
  public synchronized List<BackendStats> stats(long now) {
    List<BackendStats> out = new ArrayList<>();
    for (Peer peer : order) {
      Backend b = backends.get(peer);
      boolean usable = peer.usable(now);
      out.add(
          new BackendStats(
              peer.server(),
              peer.weight(),
              peer.conns(),
              b.picks.sum(),
              b.sessions.sum(),
              b.connectFailures.sum(),
              b.bytesSent.sum(),
              b.bytesReceived.sum(),
              usable,
              peer.healthy(),
              peer.draining()));
    }
    return out;
  }

  @Override
  public String toString() {
    return "upstream " + name + " (" + strategy.directive() + ")";
  }
}
