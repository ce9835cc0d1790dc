package org.ha4j.benchmarks.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.Peer;
import org.ha4j.proxy.balance.PeerGroup;
import org.ha4j.proxy.balance.Selector;
import org.ha4j.proxy.balance.ServerSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building the ketama ring (what a re-configuration costs), and, from {@link #main}, the quality
 * figures of {@code hash $remote_addr consistent}: how evenly 100,000 client addresses spread, and
 * what fraction moves when one server is removed or added (ideal: 1/n).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.ha4j.benchmarks.proxy.ConsistentHashBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConsistentHashBenchmark {

  @Param({"2", "16", "256"})
  public int backends;

  static List<Peer> peers(int n, int skip) {
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i != skip) {
        peers.add(new Peer(ServerSpec.parse("10.1." + (i / 250) + "." + (i % 250 + 1) + ":8080")));
      }
    }
    return peers;
  }

  @Benchmark
  public Selector buildRing() {
    return BalancingStrategies.parse("hash $remote_addr consistent")
        .newSelector(new PeerGroup(peers(backends, -1)));
  }

  static Map<String, String> assign(List<Peer> peers, int clients) {
    BalancingStrategy strategy = BalancingStrategies.parse("hash $remote_addr consistent");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy.newSelector(group);
    Map<String, String> owner = new HashMap<>();
    for (int i = 0; i < clients; i++) {
      String client = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
      Attempt attempt = group.newAttempt(client.getBytes(StandardCharsets.US_ASCII), null, 0);
      owner.put(client, selector.select(attempt, 0).server());
      group.release(attempt, false, 0);
    }
    return owner;
  }

  /** Prints distribution and remap figures for 2, 16 and 256 servers. */
  public static void main(String[] args) {
    int clients = 100_000;
    System.out.println(
        "| servers | max/mean load | min/mean load | moved on removal | moved on addition | ideal 1/n |");
    System.out.println("|---|---|---|---|---|---|");
    for (int n : new int[] {2, 16, 256}) {
      Map<String, String> all = assign(peers(n, -1), clients);
      Map<String, Integer> load = new HashMap<>();
      all.values().forEach(s -> load.merge(s, 1, Integer::sum));
      double mean = clients / (double) n;
      int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      int min =
          load.size() < n ? 0 : load.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      Map<String, String> fewer = assign(peers(n, n - 1), clients);
      long movedRemove =
          all.keySet().stream().filter(k -> !all.get(k).equals(fewer.get(k))).count();
      Map<String, String> more = assign(peers(n + 1, -1), clients);
      long movedAdd = all.keySet().stream().filter(k -> !all.get(k).equals(more.get(k))).count();
      System.out.printf(
          "| %d | %.2f | %.2f | %.4f | %.4f | %.4f |%n",
          n,
          max / mean,
          min / mean,
          movedRemove / (double) clients,
          movedAdd / (double) clients,
          1.0 / n);
    }
  }
}
