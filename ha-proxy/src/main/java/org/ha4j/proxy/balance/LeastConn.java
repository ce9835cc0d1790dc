package org.ha4j.proxy.balance;

/**
 * {@code least_conn} ({@code ngx_stream_upstream_get_least_conn_peer()}): the fewest active
 * sessions per unit of weight, compared without division ({@code a.conns * b.weight < b.conns *
 * a.weight}); ties are broken by smooth weighted round robin among the tied peers only, starting at
 * the first of them.
 */
final class LeastConn implements BalancingStrategy {

  static final LeastConn INSTANCE = new LeastConn();

  private LeastConn() {}

  @Override
  public String directive() {
    return "least_conn";
  }

  @Override
  public boolean acceptsBackup() {
    return true;
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    return LeastConn::pick;
  }

  static Peer pick(Attempt attempt, long now) {
    if (attempt.list.single) {
      return RoundRobin.pick(attempt, now);
    }
    while (true) {
      Peer peer = leastLoaded(attempt, attempt.list, now, false);
      if (peer != null) {
        peer.addConn();
        attempt.current = peer;
        return peer;
      }
      if (!attempt.switchToBackup()) {
        return null;
      }
      if (attempt.list.single) {
        return RoundRobin.pick(attempt, now);
      }
    }
  }

  /**
   * The least-loaded eligible peer, ties by SWRR. With {@code byEta} the load is least_time's
   * {@code eta = rt * (1 + conns)} instead of {@code conns}.
   */
  static Peer leastLoaded(Attempt attempt, PeerList list, long now, boolean byEta) {
    // no peer has a session (least_conn) or a response time (least_time: every eta is 0): all tie,
    // and
    // SWRR among all of them is round robin's pass
    if ((byEta ? list.timed : list.busy) == 0 && list.steadyFor(attempt)) {
      return RoundRobin.steady(attempt, list, now);
    }
    if (!byEta && list.uncalm == 0 && !attempt.triedAny) {
      // every peer eligible: the least-loaded ones straight from the buckets (least_time's eta
      // decays with
      // idle time per peer, so it has no such index)
      LeastConnIndex index = list.connIndex();
      if (index != null) {
        list.settle();
        list.indexedPicks++;
        return smoothAmong(attempt, list, index.leastLoaded(list.ties), now);
      }
    }
    list.settle();
    Peer[] peers = list.peers;
    // one pass: the least-loaded peers so far, in configuration order (the ties nginx's second pass
    // visits)
    int[] ties = list.ties;
    int tied = 0;
    Peer best = null;
    long bestLoad = 0;
    boolean anyTried = attempt.triedAny;
    for (int i = 0; i < peers.length; i++) {
      Peer peer = peers[i];
      if (anyTried && attempt.tried(i) || !peer.calm && !peer.usable(now)) {
        continue;
      }
      long load = byEta ? LeastTime.eta(peer, now) : peer.conns;
      if (best == null || load * best.weight < bestLoad * peer.weight) {
        best = peer;
        bestLoad = load;
        ties[0] = i;
        tied = 1;
      } else if (load * best.weight == bestLoad * peer.weight) {
        ties[tied++] = i;
      }
    }
    return best == null ? null : smoothAmong(attempt, list, tied, now);
  }

  /**
   * nginx's tie break: SWRR among the {@code tied} least-loaded peers listed in {@code list.ties}
   * (any order; equal current weights go to the first in configuration order). One peer alone is
   * taken as it is.
   */
  private static Peer smoothAmong(Attempt attempt, PeerList list, int tied, long now) {
    int[] ties = list.ties;
    int bestIndex = ties[0];
    Peer best = list.peers[bestIndex];
    if (tied > 1) {
      long total = 0;
      for (int k = 0; k < tied; k++) {
        int i = ties[k];
        Peer peer = list.peers[i];
        total += peer.advanceSmoothWeight();
        long weight = peer.currentWeight;
        if (weight > best.currentWeight || weight == best.currentWeight && i < bestIndex) {
          best = peer;
          bestIndex = i;
        }
      }
      best.currentWeight -= total;
    }
    best.markChecked(now);
    attempt.markTried(bestIndex);
    return best;
  }
}
