package org.ha4j.proxy.balance;

import java.util.List;

/**
 * The primary or the backup servers of an upstream in configuration order, with the totals the
 * balancers need ({@code ngx_stream_upstream_rr_peers_t}), the counts its peers keep up to date
 * (how many are not {@link Peer#calm calm}, busy, timed) and, while every peer is calm, the
 * steady-state round robin.
 */
final class PeerList {

  final Peer[] peers;
  final int number;
  final long totalWeight;

  /** Cumulative weights: ranges[i] = sum of weight[0..i-1]; ranges[number] = totalWeight. */
  final long[] ranges;

  /**
   * nginx's {@code single}: exactly one primary and no backup; failure accounting is then skipped.
   */
  final boolean single;

  final boolean backup;

  /** Peers that are not {@link Peer#calm}; kept by the peers while this list is their owner. */
  int uncalm;

  /**
   * Peers that are down, unhealthy or draining: out of every pick, so the steady state runs without
   * them.
   */
  int blockedPeers;

  /** Peers with at least one session (least_conn ties every peer when none has one). */
  int busy;

  /**
   * Peers with a non-zero least_time response time (least_time ties every peer when none has one).
   */
  int timed;

  /**
   * Scratch for least_conn/least_time: the indices of the least-loaded peers of one pass (under the
   * lock).
   */
  final int[] ties;

  /**
   * Null when the fast path is off (reference behaviour) or once a newer list took the peers over.
   */
  private SteadyRoundRobin steady;

  /** least_conn picks served by {@link LeastConnIndex} (tests check the path runs). */
  long indexedPicks;

  /**
   * least_conn's buckets, built at its first use; null when off, retired or the weights are too
   * varied.
   */
  private LeastConnIndex connIndex;

  private boolean connIndexBuilt;
  private long retiredSteadyPicks;
  private long retiredCyclePicks;

  /** A newer list owns (some of) the peers. */
  private boolean retired;

  PeerList(List<Peer> list, boolean backup, boolean hasBackup, boolean steadyFastPath) {
    this.peers = list.toArray(new Peer[0]);
    this.number = peers.length;
    this.ranges = new long[number + 1];
    this.ties = new int[number];
    long total = 0;
    for (int i = 0; i < number; i++) {
      ranges[i] = total;
      total += peers[i].weight;
    }
    ranges[number] = total;
    this.totalWeight = total;
    this.backup = backup;
    this.single = !backup && number == 1 && !hasBackup;
    for (int i = 0; i < number; i++) {
      Peer peer = peers[i];
      PeerList previous = peer.owner;
      if (previous != null && previous != this && !previous.retired) {
        // a re-configuration: the older list writes its lazy weights out and counts no more
        previous.retire();
      }
      peer.owner = this;
      peer.ownerIndex = i;
      uncalm += peer.calm ? 0 : 1;
      blockedPeers += peer.down() ? 1 : 0;
      busy += peer.conns > 0 ? 1 : 0;
      timed += peer.responseTimeMs != 0 ? 1 : 0;
    }
    this.steady = steadyFastPath ? new SteadyRoundRobin(peers) : null;
  }

  /**
   * Whether {@code attempt}'s next pick may take the steady step: every peer that is not blocked is
   * calm (so all of them are eligible at full weight, whatever the time, and the blocked ones sit
   * out every pick) and none is tried by this attempt. Enters the steady state if needed.
   */
  boolean steadyFor(Attempt attempt) {
    return uncalm == blockedPeers && !attempt.triedAny && steady != null && steady.enter();
  }

  /**
   * The steady SWRR step; only after {@link #steadyFor} said yes. Returns the index of the pick.
   */
  int steadyPick() {
    return steady.pick();
  }

  /** Steady passes this list has made (0 when the fast path is off). */
  long steadyPicks() {
    return steady == null ? retiredSteadyPicks : steady.picks;
  }

  /** Of those, the passes served from the recorded cycle. */
  long cyclePicks() {
    return steady == null ? retiredCyclePicks : steady.cyclePicks;
  }

  /** Writes lazily kept current weights back into the peers; every plain scan starts with this. */
  void settle() {
    if (steady != null) {
      steady.leave();
    } else if (retired) {
      // a session of an older configuration picks again: its peers' weights may sit lazily in the
      // newer
      // list that owns them now
      for (Peer peer : peers) {
        if (peer.owner != this) {
          peer.owner.settle();
        }
      }
    }
  }

  /**
   * A peer's weight is about to change, or a peer got blocked or unblocked: write the lazy weights
   * out and regroup at the next steady pick.
   */
  void shapeChanged() {
    if (steady != null) {
      steady.forgetShape();
      connIndex = null;
      connIndexBuilt = false;
    }
  }

  /** least_conn's buckets (built now if needed), or null. */
  LeastConnIndex connIndex() {
    if (!connIndexBuilt && steady != null) {
      connIndex = LeastConnIndex.of(peers);
      connIndexBuilt = true;
    }
    return connIndex;
  }

  /** Peer {@code peer}'s sessions went from {@code from} to {@code to}. */
  void connsChanged(Peer peer, int from, int to) {
    if (connIndex != null) {
      connIndex.moved(peer.ownerIndex, from, to);
    }
  }

  private void retire() {
    settle();
    retiredSteadyPicks = steady == null ? retiredSteadyPicks : steady.picks;
    retiredCyclePicks = steady == null ? retiredCyclePicks : steady.cyclePicks;
    steady = null;
    connIndex = null;
    connIndexBuilt = true;
    retired = true;
  }

  /**
   * The index of the peer owning weight unit {@code w} (0 <= w < totalWeight): nginx's weight walk.
   */
  int indexOfWeightUnit(long w) {
    int lo = 0;
    int hi = number;
    // first i with ranges[i+1] > w, i.e. the walk "while (w >= weight) w -= weight, next"
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (w < ranges[mid]) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return lo;
  }
}
