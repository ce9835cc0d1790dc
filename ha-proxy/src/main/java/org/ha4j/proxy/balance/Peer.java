package org.ha4j.proxy.balance;

import java.util.Objects;

/**
 * One server of an upstream with the runtime state nginx keeps per peer ({@code
 * ngx_stream_upstream_rr_peer_t}): current and effective weight for smooth weighted round robin,
 * active sessions, failures and the instants they were counted.
 *
 * <p>Not thread-safe: every read and write goes through the one lock of the upstream that owns it
 * (see {@link PeerGroup}). A peer outlives re-configurations: adding a server or changing a weight
 * builds a new {@link PeerGroup} around the same peer objects, so sessions and failure counts carry
 * over.
 */
public final class Peer {

  /** "Never" for {@link #checked}/{@link #accessed}, as nginx's zero-initialised {@code time_t}. */
  static final long NEVER = Long.MIN_VALUE;

  private ServerSpec spec;
  final String server;

  int weight;

  /**
   * nginx's current weight; stale while {@link #owner} holds it lazily (read it through {@link
   * #currentWeight()}).
   */
  long currentWeight;

  int effectiveWeight;
  int conns;
  int fails;
  long accessed = NEVER;
  long checked = NEVER;

  /**
   * Smoothed response time in ms for least_time ({@code ngx_stream_upstream_response_time_avg}).
   */
  long responseTimeMs;

  /**
   * The newest list holding this peer: it counts the peer's {@link #calm}, busy and timed states
   * and may keep its current weight lazily (see {@link SteadyRoundRobin}). Every change below
   * reports to it.
   */
  PeerList owner;

  /** This peer's index in {@link #owner}. */
  int ownerIndex;

  /**
   * Eligible for every pick whatever the time, at full weight: not down/unhealthy/draining,
   * effective weight equal to the weight, below max_conns, and fewer failures than max_fails (so
   * never "failed out"). When every peer of a list is calm, nginx's SWRR over that list is the
   * plain all-peers step.
   */
  boolean calm;

  private boolean healthy = true;
  private boolean draining;

  // copies of spec values and of down(), read on every pick: one object, no pointer chase in the
  // hot loop
  private int maxFails;
  private long failTimeoutNanos;
  private int maxConns;
  private boolean blocked;

  public Peer(ServerSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.server = spec.server();
    this.weight = spec.weight();
    this.effectiveWeight = spec.weight();
    this.maxFails = spec.maxFails();
    this.failTimeoutNanos = spec.failTimeout().toNanos();
    this.maxConns = spec.maxConns();
    this.blocked = spec.down();
    this.calm = computeCalm();
  }

  public ServerSpec spec() {
    return spec;
  }

  /** The configured address text, e.g. {@code 10.0.0.1:8080}. */
  public String server() {
    return server;
  }

  /**
   * One step of nginx's smooth weighted round robin for this peer: the current weight grows by the
   * effective weight, and the effective weight (cut by failures) recovers by one toward the
   * configured weight.
   *
   * @return the effective weight added, which the caller sums into the pass total
   */
  int advanceSmoothWeight() {
    int added = effectiveWeight;
    currentWeight += added;
    if (effectiveWeight < weight && ++effectiveWeight == weight) {
      recount();
    }
    return added;
  }

  private boolean computeCalm() {
    return !blocked
        && effectiveWeight == weight
        && (maxConns == 0 || conns < maxConns)
        && (maxFails == 0 || fails < maxFails);
  }

  /** Re-evaluates {@link #calm} after a change and tells the owner list. */
  private void recount() {
    boolean now = computeCalm();
    if (now != calm) {
      calm = now;
      if (owner != null) {
        owner.uncalm += now ? -1 : 1;
      }
    }
  }

  /** A session starts using this peer (nginx: {@code peer->conns++}). */
  void addConn() {
    int before = conns++;
    if (owner != null) {
      owner.busy += before == 0 ? 1 : 0;
      owner.connsChanged(this, before, conns);
    }
    if (maxConns != 0) {
      recount();
    }
  }

  /** A session stops using this peer. */
  void dropConn() {
    int before = conns--;
    if (owner != null) {
      owner.busy -= conns == 0 ? 1 : 0;
      owner.connsChanged(this, before, conns);
    }
    if (maxConns != 0) {
      recount();
    }
  }

  /**
   * A connect failed ({@code ngx_stream_upstream_free_round_robin_peer()}): count it, open the
   * failure window and cut the effective weight by {@code weight / max_fails}, which SWRR then
   * restores by one per pass (nginx's soft slow start).
   */
  void countFailure(long now) {
    fails++;
    accessed = now;
    checked = now;
    if (maxFails != 0) {
      effectiveWeight -= weight / maxFails;
    }
    if (effectiveWeight < 0) {
      effectiveWeight = 0;
    }
    recount();
  }

  /** A success after the failure window restarted (or a trial connection) forgives the failures. */
  void resetFailures() {
    fails = 0;
    recount();
  }

  /**
   * Stores least_time's smoothed response time; the owner counts the peers whose time is not zero.
   */
  void setResponseTime(long millis) {
    if ((responseTimeMs == 0) != (millis == 0) && owner != null) {
      owner.timed += millis == 0 ? -1 : 1;
    }
    responseTimeMs = millis;
  }

  public int weight() {
    return weight;
  }

  /** Active sessions (including connection attempts in progress). */
  public int conns() {
    return conns;
  }

  /** Connection failures counted in the current fail_timeout window. */
  public int fails() {
    return fails;
  }

  public int effectiveWeight() {
    return effectiveWeight;
  }

  public long currentWeight() {
    if (owner != null) {
      owner.settle();
    }
    return currentWeight;
  }

  public boolean healthy() {
    return healthy;
  }

  public boolean draining() {
    return draining;
  }

  /** Set by an active health check; an unhealthy peer is skipped like a {@code down} one. */
  public void setHealthy(boolean healthy) {
    this.healthy = healthy;
    updateBlocked();
  }

  /** A draining peer takes no new sessions; established ones continue untouched. */
  public void setDraining(boolean draining) {
    this.draining = draining;
    updateBlocked();
  }

  private void updateBlocked() {
    boolean now = spec.down() || !healthy || draining;
    if (now != blocked) {
      blocked = now;
      if (owner != null) {
        // the steady round robin runs over the peers that are not blocked: that set changed
        owner.blockedPeers += now ? 1 : -1;
        owner.shapeChanged();
      }
    }
    recount();
  }

  /**
   * Changes the weight; the owner must then build a new {@link PeerGroup} (weights feed its
   * ranges). As when nginx re-reads a weight, the effective weight restarts at the new value (or
   * stays lower if failures had cut it), and the smooth round robin adapts from its current state.
   */
  public void reweight(int newWeight) {
    if (newWeight < 1) {
      throw new IllegalArgumentException("weight must be >= 1, got " + newWeight);
    }
    if (owner != null) {
      // the lazy current weights are lines with the old weight as slope: write them out first
      owner.shapeChanged();
    }
    this.spec = spec.withWeight(newWeight);
    this.weight = newWeight;
    this.effectiveWeight = Math.min(effectiveWeight, newWeight);
    if (effectiveWeight <= 0) {
      effectiveWeight = newWeight;
    }
    recount();
  }

  /**
   * Takes the parameters of a re-read {@code server} line for the same address (a reload): weight
   * as {@link #reweight}, and max_fails, fail_timeout, max_conns, down and backup. What the peer
   * has counted stays: its sessions, failures and their window, health and draining. The owner must
   * then build a new {@link PeerGroup} (weights and backup feed its lists).
   *
   * @throws IllegalArgumentException when {@code next} is another server
   */
  public void reconfigure(ServerSpec next) {
    Objects.requireNonNull(next, "next");
    if (!next.server().equals(server)) {
      throw new IllegalArgumentException(
          "server " + next.server() + " is not " + server + ": a peer keeps its address");
    }
    reweight(next.weight());
    this.spec = next;
    this.maxFails = next.maxFails();
    this.failTimeoutNanos = next.failTimeout().toNanos();
    this.maxConns = next.maxConns();
    updateBlocked(); // down may have changed; recounts calm for the limits too
  }

  /** nginx's {@code down}, an unhealthy active check or draining. */
  boolean down() {
    return blocked;
  }

  /** Out because of {@code max_fails} failures inside the {@code fail_timeout} window. */
  boolean failedOut(long now) {
    return maxFails != 0 && fails >= maxFails && since(now, checked) <= failTimeoutNanos;
  }

  boolean full() {
    return maxConns != 0 && conns >= maxConns;
  }

  /**
   * The eligibility test every nginx balancer applies (except the tried bitmap, which is per
   * session).
   */
  public boolean usable(long now) {
    return !down() && !failedOut(now) && !full();
  }

  long failTimeoutNanos() {
    return failTimeoutNanos;
  }

  /**
   * After a pick: start a new failure window if the previous one has expired (nginx: {@code checked
   * = now}).
   */
  void markChecked(long now) {
    if (since(now, checked) > failTimeoutNanos) {
      checked = now;
    }
  }

  static long since(long now, long then) {
    return then == NEVER ? Long.MAX_VALUE : now - then;
  }

  @Override
  public String toString() {
    return server;
  }
}
