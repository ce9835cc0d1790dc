package org.ha4j.proxy.balance;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The balancing methods of nginx's stream upstream (and http's ip_hash), and a parser for their
 * directives.
 */
public final class BalancingStrategies {

  private BalancingStrategies() {}

  /** Smooth weighted round robin, nginx's default. */
  public static BalancingStrategy roundRobin() {
    return RoundRobin.INSTANCE;
  }

  public static BalancingStrategy leastConn() {
    return LeastConn.INSTANCE;
  }

  /** {@code hash KEY}. */
  public static BalancingStrategy hash(HashKey key) {
    return new Hash(key);
  }

  /** {@code hash KEY consistent}. */
  public static BalancingStrategy consistentHash(HashKey key) {
    return new ConsistentHash(key);
  }

  /** {@code random}, with a fresh unseeded generator per upstream. */
  public static BalancingStrategy random() {
    return random(false, SplittableRandom::new);
  }

  /** {@code random two}, with a fresh unseeded generator per upstream. */
  public static BalancingStrategy randomTwo() {
    return random(true, SplittableRandom::new);
  }

  /**
   * {@code random} or {@code random two} drawing from generators made by {@code randomness} (one
   * per selector; a seeded supplier makes selection reproducible).
   */
  public static BalancingStrategy random(boolean two, Supplier<RandomGenerator> randomness) {
    return new RandomChoice(two, randomness);
  }

  /** http's {@code ip_hash}: the client's /24 (IPv4) or whole address (IPv6). */
  public static BalancingStrategy ipHash() {
    return IpHash.INSTANCE;
  }

  /** {@code least_time connect | first_byte | last_byte}. */
  public static BalancingStrategy leastTime(String metric) {
    return switch (metric) {
      case "connect" -> new LeastTime(LeastTime.Metric.CONNECT);
      case "first_byte" -> new LeastTime(LeastTime.Metric.FIRST_BYTE);
      case "last_byte" -> new LeastTime(LeastTime.Metric.LAST_BYTE);
      default ->
          throw new IllegalArgumentException(
              "least_time takes connect, first_byte or last_byte, got '" + metric + "'");
    };
  }

  /**
   * Parses a balancing directive as nginx writes it inside {@code upstream}: {@code least_conn},
   * {@code hash $remote_addr consistent}, {@code random two}, {@code random two least_conn}, {@code
   * ip_hash}, {@code least_time connect}; {@code round_robin} or an empty text selects the default.
   * A trailing {@code ;} is allowed.
   *
   * @throws IllegalArgumentException naming the method or parameter that is not accepted
   */
  public static BalancingStrategy parse(String directive) {
    return parse(directive, SplittableRandom::new);
  }

  /** As {@link #parse(String)}, with the generators {@code random} methods draw from. */
  public static BalancingStrategy parse(String directive, Supplier<RandomGenerator> randomness) {
    Objects.requireNonNull(directive, "directive");
    String text = directive.strip();
    if (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    if (text.isEmpty()) {
      return roundRobin();
    }
    String[] words = text.split("\\s+");
    String method = words[0];
    switch (method) {
      case "round_robin" -> {
        expectArgs(words, 0, 0);
        return roundRobin();
      }
      case "least_conn" -> {
        expectArgs(words, 0, 0);
        return leastConn();
      }
      case "ip_hash" -> {
        expectArgs(words, 0, 0);
        return ipHash();
      }
      case "hash" -> {
        expectArgs(words, 1, 2);
        HashKey key = HashKey.parse(words[1]);
        if (words.length == 2) {
          return hash(key);
        }
        if (!words[2].equals("consistent")) {
          throw new IllegalArgumentException(
              "invalid parameter \"" + words[2] + "\" of hash (only \"consistent\" is allowed)");
        }
        return consistentHash(key);
      }
      case "random" -> {
        expectArgs(words, 0, 2);
        if (words.length == 1) {
          return random(false, randomness);
        }
        if (!words[1].equals("two")) {
          throw new IllegalArgumentException(
              "invalid parameter \"" + words[1] + "\" of random (only \"two\" is allowed)");
        }
        if (words.length == 3 && !words[2].equals("least_conn")) {
          throw new IllegalArgumentException(
              "invalid parameter \""
                  + words[2]
                  + "\" of random two (only \"least_conn\" is allowed)");
        }
        return random(true, randomness);
      }
      case "least_time" -> {
        expectArgs(words, 1, 1);
        return leastTime(words[1]);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown balancing method '"
                  + method
                  + "' (use round_robin, least_conn, least_time, hash KEY [consistent], random [two], ip_hash)");
    }
  }

  private static void expectArgs(String[] words, int min, int max) {
    int args = words.length - 1;
    if (args < min || args > max) {
      throw new IllegalArgumentException(
          words[0]
              + " takes "
              + (min == max ? "" + min : min + "-" + max)
              + " argument(s), got "
              + args
              + ": '"
              + String.join(" ", words)
              + "'");
    }
  }

  static void rejectBackup(BalancingStrategy strategy, PeerGroup group) {
    if (group.hasBackup()) {
      throw new IllegalArgumentException(
          "balancing method \""
              + strategy.directive()
              + "\" does not support parameter \"backup\" (as in nginx)");
    }
  }
}
