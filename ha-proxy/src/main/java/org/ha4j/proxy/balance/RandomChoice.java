package org.ha4j.proxy.balance;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * {@code random} and {@code random two [least_conn]} ({@code ngx_stream_upstream_random_module.c},
 * nginx 1.15.1): a server is drawn with probability proportional to its weight ({@code x = random %
 * total_weight}, binary search over cumulative weights). With {@code two}, draws continue until two
 * distinct eligible servers are found and the one with fewer sessions per weight wins, a tie going
 * to the second draw (the power of two choices, Mitzenmacher). Every rejected draw counts; after 20
 * nginx falls back to round robin.
 */
final class RandomChoice implements BalancingStrategy {

  private final boolean two;
  private final Supplier<RandomGenerator> randomness;

  RandomChoice(boolean two, Supplier<RandomGenerator> randomness) {
    this.two = two;
    this.randomness = Objects.requireNonNull(randomness, "randomness");
  }

  @Override
  public String directive() {
    return two ? "random two" : "random";
  }

  @Override
  public boolean acceptsBackup() {
    return false;
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    BalancingStrategies.rejectBackup(this, group);
    RandomGenerator random = Objects.requireNonNull(randomness.get(), "random generator");
    return two
        ? (attempt, now) -> pickTwo(attempt, now, random)
        : (attempt, now) -> pickOne(attempt, now, random);
  }

  private static int draw(PeerList list, RandomGenerator random) {
    return list.indexOfWeightUnit(random.nextLong(list.totalWeight));
  }

  static Peer pickOne(Attempt attempt, long now, RandomGenerator random) {
    PeerList list = attempt.list;
    if (attempt.methodTries > Hash.MAX_DRAWS || list.number < 2) {
      return RoundRobin.pick(attempt, now);
    }
    while (true) {
      int index = draw(list, random);
      Peer peer = list.peers[index];
      if (!attempt.tried(index) && peer.usable(now)) {
        return take(attempt, peer, index, now);
      }
      if (++attempt.methodTries > Hash.MAX_DRAWS) {
        return RoundRobin.pick(attempt, now);
      }
    }
  }

  static Peer pickTwo(Attempt attempt, long now, RandomGenerator random) {
    PeerList list = attempt.list;
    if (attempt.methodTries > Hash.MAX_DRAWS || list.number < 2) {
      return RoundRobin.pick(attempt, now);
    }
    Peer prev = null;
    int prevIndex = -1;
    while (true) {
      int index = draw(list, random);
      Peer peer = list.peers[index];
      if (peer != prev && !attempt.tried(index) && peer.usable(now)) {
        if (prev != null) {
          if ((long) peer.conns * prev.weight > (long) prev.conns * peer.weight) {
            return take(attempt, prev, prevIndex, now);
          }
          return take(attempt, peer, index, now);
        }
        prev = peer;
        prevIndex = index;
      }
      if (++attempt.methodTries > Hash.MAX_DRAWS) {
        return RoundRobin.pick(attempt, now);
      }
    }
  }

  private static Peer take(Attempt attempt, Peer peer, int index, long now) {
    peer.markChecked(now);
    peer.addConn();
    attempt.markTried(index);
    attempt.current = peer;
    return peer;
  }
}
