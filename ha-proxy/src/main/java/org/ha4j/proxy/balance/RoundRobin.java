package org.ha4j.proxy.balance;

/**
 * Smooth weighted round robin, nginx's default ({@code ngx_stream_upstream_get_round_robin_peer()},
 * from nginx commit 52327e062 "smooth weighted round-robin balancing"): every eligible peer gains
 * its effective weight, the richest is picked and pays the total; weights {5,1,1} give a a b a c a
 * a.
 *
 * <p>Also the fallback of the hash and random methods after 20 rejected draws, as in nginx.
 */
final class RoundRobin implements BalancingStrategy {

  static final RoundRobin INSTANCE = new RoundRobin();

  private RoundRobin() {}

  @Override
  public String directive() {
    return "round_robin";
  }

  @Override
  public boolean acceptsBackup() {
    return true;
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    return RoundRobin::pick;
  }

  /**
   * nginx's get_round_robin_peer: single-server shortcut, SWRR, then the backup list, else null
   * (502).
   */
  static Peer pick(Attempt attempt, long now) {
    while (true) {
      PeerList list = attempt.list;
      Peer peer;
      if (list.single) {
        // one server and no backup: only down and max_conns matter; failures are never counted
        Peer only = list.peers[0];
        peer = only.down() || only.full() ? null : only;
      } else {
        peer = smooth(attempt, list, now);
      }
      if (peer != null) {
        peer.addConn();
        attempt.current = peer;
        return peer;
      }
      if (!attempt.switchToBackup()) {
        return null;
      }
    }
  }

  /**
   * The SWRR pass over {@code list} ({@code ngx_stream_upstream_get_peer()}); marks the pick tried.
   */
  static Peer smooth(Attempt attempt, PeerList list, long now) {
    if (list.steadyFor(attempt)) {
      return steady(attempt, list, now);
    }
    list.settle();
    Peer[] peers = list.peers;
    Peer best = null;
    int bestIndex = -1;
    long total = 0;
    boolean anyTried = attempt.triedAny;
    for (int i = 0; i < peers.length; i++) {
      Peer peer = peers[i];
      // a calm peer is usable whatever the time: no failure-window arithmetic for it
      if (anyTried && attempt.tried(i) || !peer.calm && !peer.usable(now)) {
        continue;
      }
      total += peer.advanceSmoothWeight();
      if (best == null || peer.currentWeight > best.currentWeight) {
        best = peer;
        bestIndex = i;
      }
    }
    if (best == null) {
      return null;
    }
    attempt.markTried(bestIndex);
    best.currentWeight -= total;
    best.markChecked(now);
    return best;
  }

  /**
   * The pass when every peer is calm and none tried: {@link SteadyRoundRobin}, the same pick as the
   * scan.
   */
  static Peer steady(Attempt attempt, PeerList list, long now) {
    int index = list.steadyPick();
    Peer best = list.peers[index];
    attempt.markTried(index);
    best.markChecked(now);
    return best;
  }
}
