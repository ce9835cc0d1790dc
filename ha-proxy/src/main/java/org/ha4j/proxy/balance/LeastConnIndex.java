package org.ha4j.proxy.balance;

import java.util.Arrays;

/**
 * The peers of one {@link PeerList} bucketed by weight and session count, so that least_conn finds
 * its least-loaded peers in O(distinct weights + ties) instead of visiting every peer.
 *
 * <p>nginx's least_conn ({@code ngx_stream_upstream_get_least_conn_peer()}) picks the minimum of
 * {@code conns / weight} and runs SWRR over the peers at that minimum. Among peers of equal weight
 * the minimum ratio is the minimum count, so each weight keeps its peers in doubly-linked lists per
 * session count and the lowest non-empty count; sessions change one at a time, so that lowest count
 * moves by at most one. The ties are then the peers at the lowest count of every weight whose
 * {@code min / weight} is the overall minimum. Used only when every peer is {@link Peer#calm calm}
 * and the attempt has tried none (all eligible); otherwise the scan runs. More than {@value
 * SteadyRoundRobin#MAX_GROUPS} distinct weights: not built.
 */
final class LeastConnIndex {

  private final int[] groupOf;
  private final long[] groupWeight;
  private final int groups;

  /** heads[g][c]: first peer of weight group g with c sessions, or -1. */
  private final int[][] heads;

  private final int[] lowest;
  private final int[] next;
  private final int[] prev;

  private LeastConnIndex(Peer[] peers, int[] groupOf, long[] groupWeight, int groups) {
    this.groupOf = groupOf;
    this.groupWeight = groupWeight;
    this.groups = groups;
    this.heads = new int[groups][];
    this.lowest = new int[groups];
    this.next = new int[peers.length];
    this.prev = new int[peers.length];
    Arrays.fill(lowest, Integer.MAX_VALUE);
    for (int g = 0; g < groups; g++) {
      heads[g] = new int[8];
      Arrays.fill(heads[g], -1);
    }
    for (int i = peers.length - 1; i >= 0; i--) {
      link(i, Math.max(0, peers[i].conns));
    }
  }

  /** Null when the weights are too varied to group. */
  static LeastConnIndex of(Peer[] peers) {
    int[] groupOf = new int[peers.length];
    long[] groupWeight = new long[SteadyRoundRobin.MAX_GROUPS];
    int groups = 0;
    for (int i = 0; i < peers.length; i++) {
      int g = 0;
      while (g < groups && groupWeight[g] != peers[i].weight) {
        g++;
      }
      if (g == groups) {
        if (groups == SteadyRoundRobin.MAX_GROUPS) {
          return null;
        }
        groupWeight[groups++] = peers[i].weight;
      }
      groupOf[i] = g;
    }
    return new LeastConnIndex(peers, groupOf, groupWeight, groups);
  }

  /** Peer {@code i}'s session count went from {@code from} to {@code to} (one apart). */
  void moved(int i, int from, int to) {
    int g = groupOf[i];
    unlink(i, Math.max(0, from));
    link(i, Math.max(0, to));
    if (from == lowest[g] && heads[g][Math.max(0, from)] == -1) {
      lowest[g] = Math.max(0, to);
    }
  }

  /**
   * Fills {@code ties} with the indices of the least-loaded peers (in no particular order).
   *
   * @return how many
   */
  int leastLoaded(int[] ties) {
    int bestGroup = -1;
    for (int g = 0; g < groups; g++) {
      if (lowest[g] == Integer.MAX_VALUE) {
        continue;
      }
      if (bestGroup < 0
          || (long) lowest[g] * groupWeight[bestGroup]
              < (long) lowest[bestGroup] * groupWeight[g]) {
        bestGroup = g;
      }
    }
    int tied = 0;
    for (int g = 0; g < groups; g++) {
      if (lowest[g] == Integer.MAX_VALUE
          || (long) lowest[g] * groupWeight[bestGroup]
              != (long) lowest[bestGroup] * groupWeight[g]) {
        continue;
      }
      for (int i = heads[g][lowest[g]]; i >= 0; i = next[i]) {
        ties[tied++] = i;
      }
    }
    return tied;
  }

  private void link(int i, int conns) {
    int g = groupOf[i];
    if (conns >= heads[g].length) {
      int old = heads[g].length;
      heads[g] = Arrays.copyOf(heads[g], Math.max(conns + 1, 2 * old));
      Arrays.fill(heads[g], old, heads[g].length, -1);
    }
    int head = heads[g][conns];
    next[i] = head;
    prev[i] = -1;
    if (head >= 0) {
      prev[head] = i;
    }
    heads[g][conns] = i;
    if (conns < lowest[g]) {
      lowest[g] = conns;
    }
  }

  private void unlink(int i, int conns) {
    int g = groupOf[i];
    if (prev[i] >= 0) {
      next[prev[i]] = next[i];
    } else {
      heads[g][conns] = next[i];
    }
    if (next[i] >= 0) {
      prev[next[i]] = prev[i];
    }
  }
}
