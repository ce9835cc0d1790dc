package org.ha4j.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Known answers for nginx's orders, each computed independently of the code under test. */
class NginxOrderVectorsTest {

  static List<Peer> peers(String... lines) {
    return BalancingStrategyContract.peers(lines);
  }

  static String names(PeerGroup group, Selector selector, int picks) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < picks; i++) {
      Attempt attempt = group.newAttempt(new byte[0], new byte[0], 0);
      Peer peer = selector.select(attempt, 0);
      sb.append(peer == null ? "-" : peer.server().substring(0, 1));
      group.release(attempt, false, 0);
    }
    return sb.toString();
  }

  @Test
  void smoothWeightedRoundRobinOfFiveOneOneIsAabacaa() {
    // nginx commit 52327e062: weights {5,1,1} give a a b a c a a, not c b a a a a a
    PeerGroup group = new PeerGroup(peers("a:1 weight=5", "b:1", "c:1"));
    Selector selector = BalancingStrategies.roundRobin().newSelector(group);
    assertThat(names(group, selector, 14)).isEqualTo("aabacaa" + "aabacaa");
  }

  @Test
  void equalWeightsRotateInConfigurationOrder() {
    PeerGroup group = new PeerGroup(peers("a:1", "b:1", "c:1"));
    assertThat(names(group, BalancingStrategies.roundRobin().newSelector(group), 7))
        .isEqualTo("abcabca");
  }

  @Test
  void currentWeightsFollowTheCommitMessageTable() {
    PeerGroup group = new PeerGroup(peers("a:1 weight=5", "b:1", "c:1"));
    Selector selector = BalancingStrategies.roundRobin().newSelector(group);
    // the commit's table shows weights after adding, before the winner pays: (5,1,1) -> a ->
    // (-2,1,1),
    // (3,2,2) -> a -> (-4,2,2), ... ; after the seventh pick the cycle is back at (0,0,0)
    long[][] expected = {{-2, 1, 1}, {-4, 2, 2}, {1, -4, 3}, {4, -2, -2}, {0, 0, 0}};
    int[] after = {1, 2, 3, 5, 7};
    int step = 0;
    int row = 0;
    while (row < after.length) {
      Attempt attempt = group.newAttempt(null, null, 0);
      selector.select(attempt, 0);
      group.release(attempt, false, 0);
      step++;
      if (step == after[row]) {
        long[] actual = group.peers().stream().mapToLong(Peer::currentWeight).toArray();
        assertThat(actual).as("after pick %d", step).containsExactly(expected[row]);
        row++;
      }
    }
  }

  @Test
  void leastConnPrefersFewestSessionsPerWeightAndRoundRobinsTies() {
    List<Peer> peers = peers("a:1", "b:1 weight=2", "c:1");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = BalancingStrategies.leastConn().newSelector(group);
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      // sessions stay open: conns grow
      order.append(selector.select(group.newAttempt(null, null, 0), 0).server().charAt(0));
    }
    // conns/weight: ties at 0 -> SWRR among a,b(2),c -> b; then a,c at 0 -> a (first), c; then all
    // at
    // conns/weight = 1,0.5,1 -> b; then a,b,c all 1 -> SWRR ...
    assertThat(order.toString()).startsWith("bac");
    assertThat(peers.get(1).conns()).isEqualTo(4);
    assertThat(peers.get(0).conns() + peers.get(2).conns()).isEqualTo(4);
  }

  /** Cache::Memcached's hash, written out again from its definition with java.util.zip.CRC32. */
  static int memcachedIndex(String key, int[] weights, int skipRejected) {
    long hash = 0;
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int index = -1;
    for (int rehash = 0; rehash <= skipRejected; rehash++) {
      CRC32 crc = new CRC32();
      if (rehash > 0) {
        crc.update(Integer.toString(rehash).getBytes(StandardCharsets.US_ASCII));
      }
      crc.update(key.getBytes(StandardCharsets.US_ASCII));
      hash = (hash + ((crc.getValue() >>> 16) & 0x7fff)) & 0xFFFFFFFFL;
      long w = hash % total;
      index = 0;
      while (w >= weights[index]) {
        w -= weights[index];
        index++;
      }
    }
    return index;
  }

  @Test
  void hashMatchesCacheMemcached() {
    PeerGroup group = new PeerGroup(peers("a:1", "b:1 weight=3", "c:1", "d:1 weight=2"));
    Selector selector = BalancingStrategies.hash(HashKey.parse("$remote_addr")).newSelector(group);
    int[] weights = {1, 3, 1, 2};
    for (int i = 0; i < 500; i++) {
      String key = "192.168." + (i / 256) + "." + (i % 256);
      Attempt attempt = group.newAttempt(key.getBytes(StandardCharsets.US_ASCII), null, 0);
      Peer peer = selector.select(attempt, 0);
      assertThat(group.peers().indexOf(peer)).as(key).isEqualTo(memcachedIndex(key, weights, 0));
      group.release(attempt, false, 0);
    }
  }

  @Test
  void hashRehashesWithTheRetryNumberWhenAServerIsDown() {
    List<Peer> list = peers("a:1", "b:1", "c:1");
    PeerGroup group = new PeerGroup(list);
    Selector selector = BalancingStrategies.hash(HashKey.parse("$remote_addr")).newSelector(group);
    int[] weights = {1, 1, 1};
    int checked = 0;
    for (int i = 0; i < 300; i++) {
      String key = "10.1." + i + ".7";
      int first = memcachedIndex(key, weights, 0);
      list.get(first).setHealthy(false);
      int expected = first;
      int draws = 0;
      while (expected == first) {
        draws++;
        expected = memcachedIndex(key, weights, draws);
      }
      Attempt attempt = group.newAttempt(key.getBytes(StandardCharsets.US_ASCII), null, 0);
      assertThat(group.peers().indexOf(selector.select(attempt, 0))).isEqualTo(expected);
      group.release(attempt, false, 0);
      list.get(first).setHealthy(true);
      checked++;
    }
    assertThat(checked).isEqualTo(300);
  }

  /** Ketama as Cache::Memcached::Fast defines it, rebuilt from whole-buffer CRC32s. */
  static TreeMap<Long, String> ketama(String... servers) {
    TreeMap<Long, String> ring = new TreeMap<>();
    for (String server : servers) {
      int colon = server.lastIndexOf(':');
      byte[] prefix =
          (server.substring(0, colon) + "\0" + server.substring(colon + 1))
              .getBytes(StandardCharsets.US_ASCII);
      int prev = 0;
      for (int j = 0; j < 160; j++) {
        CRC32 crc = new CRC32();
        crc.update(prefix);
        crc.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(prev).array());
        long hash = crc.getValue();
        ring.putIfAbsent(hash, server);
        prev = (int) hash;
      }
    }
    return ring;
  }

  @Test
  void consistentHashMatchesKetama() {
    String[] servers = {"127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"};
    TreeMap<Long, String> ring = ketama(servers);
    PeerGroup group = new PeerGroup(peers(servers));
    Selector selector =
        BalancingStrategies.consistentHash(HashKey.parse("$remote_addr")).newSelector(group);
    for (int i = 0; i < 1000; i++) {
      String key = "127.0." + (i / 200) + "." + (i % 200 + 1);
      CRC32 crc = new CRC32();
      crc.update(key.getBytes(StandardCharsets.US_ASCII));
      Long point = ring.ceilingKey(crc.getValue());
      String expected = ring.get(point == null ? ring.firstKey() : point);
      Attempt attempt = group.newAttempt(key.getBytes(StandardCharsets.US_ASCII), null, 0);
      assertThat(selector.select(attempt, 0).server()).as(key).isEqualTo(expected);
      group.release(attempt, false, 0);
    }
  }

  @Test
  void consistentHashRemapsOnlyTheKeysOfARemovedServer() {
    String[] four = {"10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80"};
    ConsistentHash.Ring before = new ConsistentHash.Ring(new PeerGroup(peers(four)).primary);
    ConsistentHash.Ring after =
        new ConsistentHash.Ring(new PeerGroup(peers(four[0], four[1], four[2])).primary);
    int moved = 0;
    int keys = 20_000;
    for (int i = 0; i < keys; i++) {
      byte[] key = ("client-" + i).getBytes(StandardCharsets.US_ASCII);
      String was = before.ownerOf(key);
      String now = after.ownerOf(key);
      if (!was.equals(now)) {
        assertThat(was).isEqualTo(four[3]);
        moved++;
      }
    }
    assertThat(moved / (double) keys).isBetween(0.15, 0.35);
  }

  @Test
  void ipHashFoldsTheFirstThreeOctetsFrom89() {
    PeerGroup group = new PeerGroup(peers("a:1", "b:1", "c:1", "d:1", "e:1"));
    Selector selector = BalancingStrategies.ipHash().newSelector(group);
    byte[] client = {(byte) 192, (byte) 168, 1, 77};
    // 89 -> (89*113+192)%6271=3978 -> (3978*113+168)%6271=4441 -> (4441*113+1)%6271=154; 154 % 5 =
    // 4
    long h = 89;
    for (int i = 0; i < 3; i++) {
      h = (h * 113 + (client[i] & 0xff)) % 6271;
    }
    assertThat(h).isEqualTo(154);
    Attempt attempt = group.newAttempt(null, client, 0);
    assertThat(selector.select(attempt, 0).server()).isEqualTo("e:1");
    group.release(attempt, false, 0);
    // same /24, another host: same server
    Attempt neighbour =
        group.newAttempt(null, new byte[] {(byte) 192, (byte) 168, 1, (byte) 200}, 0);
    assertThat(selector.select(neighbour, 0).server()).isEqualTo("e:1");
  }

  @Test
  void backupServersServeOnlyWhenNoPrimaryIsAvailable() {
    List<Peer> list = peers("a:1", "b:1", "x:1 backup", "y:1 backup");
    PeerGroup group = new PeerGroup(list);
    Selector selector = BalancingStrategies.roundRobin().newSelector(group);
    assertThat(names(group, selector, 4)).isEqualTo("abab");
    list.get(0).setHealthy(false);
    list.get(1).setHealthy(false);
    assertThat(names(group, selector, 4)).isEqualTo("xyxy");
    list.get(0).setHealthy(true);
    assertThat(names(group, selector, 2)).isEqualTo("aa");
  }

  @Test
  void triesCountNonDownServersAndAreCappedByNextUpstreamTries() {
    PeerGroup group = new PeerGroup(peers("a:1", "b:1 down", "c:1", "x:1 backup"));
    assertThat(group.newAttempt(null, null, 0).triesLeft()).isEqualTo(3);
    assertThat(group.newAttempt(null, null, 2).triesLeft()).isEqualTo(2);
  }

  @Test
  void eachFailedAttemptUsesATryAndMovesToTheNextServer() {
    PeerGroup group = new PeerGroup(peers("a:1", "b:1", "c:1"));
    Selector selector = BalancingStrategies.roundRobin().newSelector(group);
    Attempt attempt = group.newAttempt(null, null, 0);
    StringBuilder order = new StringBuilder();
    while (attempt.triesLeft() > 0) {
      Peer peer = selector.select(attempt, 0);
      order.append(peer.server().charAt(0));
      group.release(attempt, true, 0);
    }
    assertThat(order.toString()).isEqualTo("abc");
    assertThat(group.peers()).allSatisfy(p -> assertThat(p.fails()).isEqualTo(1));
  }

  @Test
  void singleServerIgnoresFailureAccounting() {
    PeerGroup group = new PeerGroup(peers("a:1 max_fails=1"));
    Selector selector = BalancingStrategies.roundRobin().newSelector(group);
    for (int i = 0; i < 5; i++) {
      Attempt attempt = group.newAttempt(null, null, 0);
      assertThat(selector.select(attempt, 0)).isNotNull();
      group.release(attempt, true, 0);
    }
    assertThat(group.peers().get(0).fails()).isZero();
  }

  @Test
  void randomTwoPicksTheLessLoadedOfTwoDistinctDraws() {
    List<Peer> list = peers("a:1", "b:1");
    PeerGroup group = new PeerGroup(list);
    Selector selector =
        BalancingStrategies.random(true, () -> new java.util.SplittableRandom(1))
            .newSelector(group);
    for (int i = 0; i < 10; i++) {
      list.get(0).addConn();
    }
    for (int i = 0; i < 50; i++) {
      Attempt attempt = group.newAttempt(null, null, 0);
      assertThat(selector.select(attempt, 0).server()).isEqualTo("b:1");
      group.release(attempt, false, 0);
    }
  }

  @Test
  void seededRandomIsReproducible() {
    PeerGroup g1 = new PeerGroup(peers("a:1", "b:1 weight=2", "c:1"));
    PeerGroup g2 = new PeerGroup(peers("a:1", "b:1 weight=2", "c:1"));
    String one =
        names(
            g1,
            BalancingStrategies.random(false, () -> new java.util.SplittableRandom(9))
                .newSelector(g1),
            40);
    String two =
        names(
            g2,
            BalancingStrategies.random(false, () -> new java.util.SplittableRandom(9))
                .newSelector(g2),
            40);
    assertThat(one).isEqualTo(two).contains("a", "b", "c");
  }

  @Test
  void leastTimePrefersTheFasterServer() {
    List<Peer> list = peers("a:1", "b:1");
    PeerGroup group = new PeerGroup(list);
    for (int i = 0; i < 100; i++) {
      PeerGroup.recordResponseTime(list.get(0), 200);
      PeerGroup.recordResponseTime(list.get(1), 10);
    }
    Selector selector = BalancingStrategies.leastTime("connect").newSelector(group);
    assertThat(names(group, selector, 5)).isEqualTo("bbbbb");
  }

  @Test
  void parsesServerLinesWithNginxDefaults() {
    ServerSpec plain = ServerSpec.parse("192.168.122.12:8080;");
    assertThat(plain.weight()).isEqualTo(1);
    assertThat(plain.maxFails()).isEqualTo(1);
    assertThat(plain.failTimeout()).isEqualTo(Duration.ofSeconds(10));
    ServerSpec full =
        ServerSpec.parse(
            "server 10.0.0.1:8080 weight=5 max_fails=3 fail_timeout=30s max_conns=9 backup");
    assertThat(full.server()).isEqualTo("10.0.0.1:8080");
    assertThat(full.host()).isEqualTo("10.0.0.1");
    assertThat(full.port()).isEqualTo(8080);
    assertThat(full.weight()).isEqualTo(5);
    assertThat(full.maxFails()).isEqualTo(3);
    assertThat(full.failTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(full.maxConns()).isEqualTo(9);
    assertThat(full.backup()).isTrue();
    assertThat(ServerSpec.parse(full.toString())).isEqualTo(full);
    assertThat(ServerSpec.parse("h:1 down").down()).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ServerSpec.parse("h:1 weight=0"))
        .withMessageContaining("weight");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ServerSpec.parse("h:1 slow_start=3"))
        .withMessageContaining("slow_start");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ServerSpec.parse("nohost"))
        .withMessageContaining("HOST:PORT");
  }

  @Test
  void parsesBalanceDirectives() {
    assertThat(BalancingStrategies.parse("").directive()).isEqualTo("round_robin");
    assertThat(BalancingStrategies.parse("least_conn;").directive()).isEqualTo("least_conn");
    assertThat(BalancingStrategies.parse("hash $remote_addr consistent").directive())
        .isEqualTo("hash $remote_addr consistent");
    assertThat(BalancingStrategies.parse("hash $remote_addr").directive())
        .isEqualTo("hash $remote_addr");
    assertThat(BalancingStrategies.parse("random two").directive()).isEqualTo("random two");
    assertThat(BalancingStrategies.parse("random two least_conn").directive())
        .isEqualTo("random two");
    assertThat(BalancingStrategies.parse("random").directive()).isEqualTo("random");
    assertThat(BalancingStrategies.parse("ip_hash").directive()).isEqualTo("ip_hash");
    assertThat(BalancingStrategies.parse("least_time first_byte").directive())
        .isEqualTo("least_time first_byte");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BalancingStrategies.parse("fair"))
        .withMessageContaining("unknown balancing method 'fair'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BalancingStrategies.parse("hash $x"))
        .withMessageContaining("$x");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BalancingStrategies.parse("random three"))
        .withMessageContaining("three");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BalancingStrategies.parse("hash $remote_addr ring"))
        .withMessageContaining("ring");
  }

  @Test
  void hashKeyTemplatesEvaluateSessionVariables() {
    HashKey key = HashKey.parse("${remote_addr}:$remote_port-x");
    HashKey.Session session =
        new HashKey.Session("127.0.0.9", 4444, "127.0.0.1", 80, new byte[] {127, 0, 0, 9});
    assertThat(new String(key.evaluate(session), StandardCharsets.US_ASCII))
        .isEqualTo("127.0.0.9:4444-x");
    assertThat(HashKey.parse("$remote_addr").isRemoteAddr()).isTrue();
  }

  @Test
  void crc32MatchesTheJdk() {
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(new byte[0]);
    inputs.add("127.0.0.1".getBytes(StandardCharsets.US_ASCII));
    inputs.add(new byte[] {0, -1, 17, 99});
    for (byte[] input : inputs) {
      CRC32 jdk = new CRC32();
      jdk.update(input);
      assertThat(Integer.toUnsignedLong(Crc32.of(input))).isEqualTo(jdk.getValue());
      // the table-driven running state (ketama's seed) agrees with the JDK too
      assertThat(Integer.toUnsignedLong(Crc32.finish(Crc32.update(Crc32.INIT, input))))
          .isEqualTo(jdk.getValue());
    }
  }
}
