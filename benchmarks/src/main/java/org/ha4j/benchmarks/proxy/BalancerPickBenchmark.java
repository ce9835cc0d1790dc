package org.ha4j.benchmarks.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.BalancingStrategies;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One balancing decision as a session makes it: start the attempt, pick a server, give the slot
 * back. Servers have mixed weights (1..4); hash keys and client addresses rotate over 4096 values.
 *
 * <p>{@code sessions=none}: no other session is open, no response time is known (a fresh or lightly
 * used upstream; least_conn and least_time then tie every server, as nginx does, and take round
 * robin's steady path). {@code sessions=open}: four sessions per server are held open, spread by a
 * seeded random draw, and every server has a least_time response time of 5..300 ms, so least_conn
 * and least_time compare loads and break ties among the least loaded only (nginx's scan).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar BalancerPickBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerPickBenchmark {

  @Param({
    "round_robin", "least_conn", "least_time connect", "hash $remote_addr",
    "hash $remote_addr consistent", "random", "random two", "ip_hash"
  })
  public String method;

  @Param({"2", "16", "256"})
  public int backends;

  @Param({"none", "open"})
  public String sessions;

  private PeerGroup group;
  private Selector selector;
  private byte[][] keys;
  private byte[][] addresses;
  private int next;

  @Setup
  public void setUp() {
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < backends; i++) {
      peers.add(
          new Peer(
              ServerSpec.parse(
                  "10.1." + (i / 250) + "." + (i % 250 + 1) + ":8080 weight=" + (i % 4 + 1))));
    }
    group = new PeerGroup(peers);
    selector = BalancingStrategies.parse(method, () -> new SplittableRandom(1)).newSelector(group);
    SplittableRandom random = new SplittableRandom(2);
    if (sessions.equals("open")) {
      Selector opener =
          BalancingStrategies.random(false, () -> new SplittableRandom(3)).newSelector(group);
      for (int i = 0; i < 4 * backends; i++) {
        opener.select(group.newAttempt(null, null, 0), 0);
      }
      for (Peer peer : group.peers()) {
        int millis = 5 + random.nextInt(296);
        for (int i = 0; i < 100; i++) {
          // the moving average converges to millis
          PeerGroup.recordResponseTime(peer, millis);
        }
      }
    }
    keys = new byte[4096][];
    addresses = new byte[4096][];
    for (int i = 0; i < keys.length; i++) {
      int a = random.nextInt();
      addresses[i] = new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      keys[i] =
          ((a >>> 24 & 0xff) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff))
              .getBytes(StandardCharsets.US_ASCII);
    }
  }

  @Benchmark
  public Peer pick() {
    int i = next++ & 4095;
    Attempt attempt = group.newAttempt(keys[i], addresses[i], 0);
    Peer peer = selector.select(attempt, 0);
    group.release(attempt, false, 0);
    return peer;
  }
}
