package org.ha4j.examples.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.testing.netns.NetnsHost;

/**
 * VRRP (IP protocol 112) loss on one host's input, in that host's own namespace, with nftables
 * counters for what arrived and what was dropped, so a test can prove the fault really happened.
 *
 * <p>Two shapes. {@link #random}: {@code numgen random mod 100 < N}, real random loss. {@link
 * #pattern}: the k-th advert of every {@code period} is dropped when k is in the set ({@code numgen
 * inc mod period}), so the runs of consecutive losses, which is all RFC 3768 §6.4.2 cares about,
 * are known in advance.
 */
final class AdvertLoss {

  private static final String TABLE = "h4jfault";
  private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

  private final NetnsHost host;

  private AdvertLoss(NetnsHost host) {
    this.host = host;
  }

  /** Drops {@code percent} % of incoming VRRP at random. */
  static AdvertLoss random(NetnsHost host, int percent) throws IOException {
    if (percent < 1 || percent > 99) {
      throw new IllegalArgumentException("random loss must be 1-99 %, got " + percent);
    }
    return install(host, "numgen random mod 100 < " + percent);
  }

  /** Drops the incoming VRRP packets whose index modulo {@code period} is in {@code dropped}. */
  static AdvertLoss pattern(NetnsHost host, int period, SortedSet<Integer> dropped)
      throws IOException {
    if (dropped.isEmpty() || dropped.first() < 0 || dropped.last() >= period) {
      throw new IllegalArgumentException(
          "dropped indexes must be 0-" + (period - 1) + ", got " + dropped);
    }
    StringJoiner set = new StringJoiner(", ", "{ ", " }");
    dropped.forEach(i -> set.add(Integer.toString(i)));
    return install(host, "numgen inc mod " + period + " " + set);
  }

  /** Drops all incoming VRRP: this host hears no peer. */
  static AdvertLoss all(NetnsHost host) throws IOException {
    return install(host, "");
  }

  /** Drops nothing and counts the VRRP packets that arrive: a host that hears its peers again. */
  static AdvertLoss none(NetnsHost host) throws IOException {
    return install(
        host, "ip saddr 0.0.0.0"); // no advert comes from 0.0.0.0: the drop rule never matches
  }

  private static AdvertLoss install(NetnsHost host, String selector) throws IOException {
    String rules =
        "table inet "
            + TABLE
            + " {\n"
            + "  chain input {\n"
            + "    type filter hook input priority -10; policy accept;\n"
            + "    ip protocol vrrp counter\n"
            + "    ip protocol vrrp "
            + selector
            + " counter drop\n"
            + "  }\n"
            + "}\n";
    host.runWithInput(rules, "nft", "-f", "-");
    return new AdvertLoss(host);
  }

  /** VRRP packets that reached the rule so far, dropped or not. */
  long seen() throws IOException {
    return counters().get(0);
  }

  long dropped() throws IOException {
    return counters().get(1);
  }

  /** Removes the rule; the loss stops. */
  void stop() throws IOException {
    host.run("nft", "delete", "table", "inet", TABLE);
  }

  private List<Long> counters() throws IOException {
    Matcher m = COUNTER.matcher(host.run("nft", "list", "table", "inet", TABLE));
    List<Long> values = new ArrayList<>();
    while (m.find()) {
      values.add(Long.parseLong(m.group(1)));
    }
    if (values.size() != 2) {
      throw new IllegalStateException(
          "expected 2 counters in table " + TABLE + " on " + host + ", got " + values);
    }
    return values;
  }

  /**
   * The longest run of consecutive indexes in {@code dropped}: RFC 3768 takes over at 3 for
   * advert_int 1.
   */
  static int longestRun(SortedSet<Integer> dropped) {
    int longest = 0;
    int run = 0;
    int previous = Integer.MIN_VALUE;
    for (int i : dropped) {
      run = i == previous + 1 ? run + 1 : 1;
      longest = Math.max(longest, run);
      previous = i;
    }
    return longest;
  }

  /** {@code indexes} as a sorted set, for {@link #pattern}. */
  static SortedSet<Integer> indexes(Integer... indexes) {
    return new TreeSet<>(List.of(indexes));
  }
}
