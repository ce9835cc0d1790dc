package org.ha4j.proxy.balance;

/**
 * nginx's smooth weighted round robin for the steady state of one {@link PeerList}, in O(distinct
 * weights + log n) per pick instead of a scan of every peer.
 *
 * <p>Why it is exact: while every peer is {@link Peer#calm calm} and the attempt has tried none, an
 * SWRR pass ({@code ngx_stream_upstream_get_peer()}) adds each peer's weight to its current weight,
 * picks the largest (the first in configuration order on a tie) and takes the total weight from it.
 * So after {@code t} such passes peer i's current weight is the line {@code base[i] + t *
 * weight[i]}, where only the picked peer's {@code base} ever changes (by {@code -total}). Among
 * peers of equal weight the largest line is the largest base, kept on top of a heap per distinct
 * weight (ties: lower index on top); the pick compares the heap tops only. The current weights stay
 * in {@code base} (lazy) until something other than a steady pass needs them: {@link #leave()}
 * writes {@code base + t * weight} back into the peers, so every other code path sees exactly the
 * state the plain scan would have produced.
 *
 * <p>Then the cycle: a window of {@code total} consecutive passes in which every peer was picked
 * exactly {@code weight} times leaves every current weight where it was ({@code + total * weight -
 * total * picks}), so from there the same {@code total} picks repeat for as long as the state stays
 * steady (from all-zero weights this happens at once: nginx's SWRR is periodic with period {@code
 * total}). The window is recorded, and once it closed like that a pick is the next entry of the
 * record, O(1). Leaving replays the record up to the current position onto the weights at the
 * cycle's start. Records are kept up to {@value #MAX_SCHEDULE} entries (total weights above that:
 * heap passes only).
 *
 * <p>Blocked peers (down, unhealthy, draining) sit out every pass, adding nothing and never picked,
 * so the lines cover the other peers only; blocking or unblocking one regroups ({@link
 * #forgetShape()}).
 *
 * <p>More than {@value #MAX_GROUPS} distinct weights in one list: no steady state, the plain scan
 * is used.
 */
final class SteadyRoundRobin {

  static final int MAX_GROUPS = 32;

  /** Rebase the lines now and then, so that {@code t * weight} stays far from overflow. */
  private static final long REBASE_STEPS = 1L << 30;

  static final int MAX_SCHEDULE = 1 << 16;

  private final Peer[] peers;
  private final long[] base;

  /** Peer index -> its weight group, -1 for a blocked peer. */
  private final int[] groupOf;

  /** The heaps of all groups in one array: group g occupies [start[g], start[g] + size[g]). */
  private final int[] heap;

  private final int[] start = new int[MAX_GROUPS];
  private final int[] size = new int[MAX_GROUPS];
  private final long[] groupWeight = new long[MAX_GROUPS];
  private final int[] fill = new int[MAX_GROUPS];
  private int groups;
  private long total;
  private boolean shapeKnown;
  private boolean tooVaried;

  /** Peers taking part (not blocked). */
  private int members;

  private boolean lazy;
  private long steps;

  /** Steady passes taken so far, and those served from the cycle (tests check both paths run). */
  long picks;

  long cyclePicks;

  /** The passes of the current window, then the cycle; null when the total weight is too large. */
  private int[] schedule;

  /** Picks per peer in the current window, and how many peers have exactly their weight. */
  private final int[] windowCount;

  private int matched;
  private int windowPos;
  private boolean cycling;
  private int cyclePos;

  SteadyRoundRobin(Peer[] peers) {
    this.peers = peers;
    this.base = new long[peers.length];
    this.groupOf = new int[peers.length];
    this.heap = new int[peers.length];
    this.windowCount = new int[peers.length];
  }

  /** Weights changed (a re-weight): group the peers again at the next {@link #enter()}. */
  void forgetShape() {
    leave();
    shapeKnown = false;
  }

  /**
   * Starts (or continues) keeping the current weights lazily; false if the weights are too varied.
   */
  boolean enter() {
    if (lazy) {
      if (steps < REBASE_STEPS) {
        return true;
      }
      leave();
    }
    if (!shapeKnown) {
      group();
    }
    if (tooVaried || members == 0) {
      return false;
    }
    for (int i = 0; i < peers.length; i++) {
      base[i] = peers[i].currentWeight;
    }
    // members were laid out by group in group(); restore configuration order inside each, then
    // heapify
    java.util.Arrays.fill(fill, 0);
    for (int i = 0; i < peers.length; i++) {
      int g = groupOf[i];
      if (g >= 0) {
        heap[start[g] + fill[g]++] = i;
      }
    }
    for (int g = 0; g < groups; g++) {
      for (int k = size[g] / 2 - 1; k >= 0; k--) {
        siftDown(start[g], size[g], k);
      }
    }
    steps = 0;
    lazy = true;
    startWindow();
    return true;
  }

  private void startWindow() {
    java.util.Arrays.fill(windowCount, 0);
    matched = 0;
    windowPos = 0;
  }

  /** Writes the lazily kept current weights back into the peers. */
  void leave() {
    if (!lazy) {
      return;
    }
    if (cycling) {
      for (int k = 0; k < cyclePos; k++) {
        base[schedule[k]] -= total;
      }
      steps += cyclePos;
      cycling = false;
    }
    for (int i = 0; i < peers.length; i++) {
      int g = groupOf[i];
      if (g >= 0) {
        peers[i].currentWeight = base[i] + steps * groupWeight[g];
      }
    }
    lazy = false;
  }

  /** One SWRR pass over all peers at full weight; returns the index of the pick. */
  int pick() {
    picks++;
    if (cycling) {
      cyclePicks++;
      int index = schedule[cyclePos];
      if (++cyclePos == total) {
        cyclePos = 0;
      }
      return index;
    }
    long t = ++steps;
    int best = -1;
    long bestValue = Long.MIN_VALUE;
    int bestGroup = -1;
    for (int g = 0; g < groups; g++) {
      int i = heap[start[g]];
      long value = base[i] + t * groupWeight[g];
      if (value > bestValue || value == bestValue && i < best) {
        best = i;
        bestValue = value;
        bestGroup = g;
      }
    }
    base[best] -= total;
    siftDown(start[bestGroup], size[bestGroup], 0);
    if (schedule != null) {
      record(best);
    }
    return best;
  }

  private void record(int index) {
    schedule[windowPos++] = index;
    int count = ++windowCount[index];
    long weight = groupWeight[groupOf[index]];
    if (count == weight) {
      matched++;
    } else if (count == weight + 1) {
      matched--;
    }
    if (windowPos == total) {
      if (matched == members) {
        // every peer got exactly its weight: the weights are back where the window started
        cycling = true;
        cyclePos = 0;
      } else {
        startWindow();
      }
    }
  }

  private void group() {
    groups = 0;
    total = 0;
    members = 0;
    tooVaried = false;
    java.util.Arrays.fill(size, 0);
    for (int i = 0; i < peers.length; i++) {
      if (peers[i].down()) {
        groupOf[i] = -1;
        continue;
      }
      members++;
      long w = peers[i].weight;
      total += w;
      int g = 0;
      while (g < groups && groupWeight[g] != w) {
        g++;
      }
      if (g == groups) {
        if (groups == MAX_GROUPS) {
          tooVaried = true;
          break;
        }
        groupWeight[groups++] = w;
      }
      groupOf[i] = g;
      size[g]++;
    }
    int offset = 0;
    for (int g = 0; g < groups; g++) {
      start[g] = offset;
      offset += size[g];
    }
    schedule = !tooVaried && total <= MAX_SCHEDULE ? new int[(int) total] : null;
    shapeKnown = true;
  }

  /** Heap order: larger base first, then lower index (nginx's first-in-order tie break). */
  private boolean above(int a, int b) {
    return base[a] > base[b] || base[a] == base[b] && a < b;
  }

  private void siftDown(int from, int count, int k) {
    int node = heap[from + k];
    while (true) {
      int child = 2 * k + 1;
      if (child >= count) {
        break;
      }
      int c = heap[from + child];
      if (child + 1 < count) {
        int right = heap[from + child + 1];
        if (above(right, c)) {
          child++;
          c = right;
        }
      }
      if (!above(c, node)) {
        break;
      }
      heap[from + k] = c;
      k = child;
    }
    heap[from + k] = node;
  }
}
