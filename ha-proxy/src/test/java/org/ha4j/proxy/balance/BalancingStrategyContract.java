package org.ha4j.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every balancing method promises, whatever its order: one subclass per strategy (the JCTools
 * {@code QueueSanityTest} pattern). Keys and client addresses vary per session from a fixed seed.
 */
abstract class BalancingStrategyContract {

  static final long SECOND = 1_000_000_000L;

  abstract BalancingStrategy strategy();

  /**
   * Whether the method follows configured weights in the long run (all do when sessions end at
   * once).
   */
  boolean weighted() {
    return true;
  }

  final SplittableRandom keys = new SplittableRandom(42);

  static List<Peer> peers(String... lines) {
    List<Peer> peers = new ArrayList<>();
    for (String line : lines) {
      peers.add(new Peer(ServerSpec.parse(line)));
    }
    return peers;
  }

  Attempt attempt(PeerGroup group) {
    int client = keys.nextInt();
    byte[] address = {
      (byte) (client >>> 24), (byte) (client >>> 16), (byte) (client >>> 8), (byte) client
    };
    String text =
        (address[0] & 0xff)
            + "."
            + (address[1] & 0xff)
            + "."
            + (address[2] & 0xff)
            + "."
            + (address[3] & 0xff);
    return group.newAttempt(text.getBytes(StandardCharsets.US_ASCII), address, 0);
  }

  @Test
  void picksOnlyConfiguredServersAndCountsSessions() {
    PeerGroup group = new PeerGroup(peers("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));
    Selector selector = strategy().newSelector(group);
    List<Attempt> open = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Attempt attempt = attempt(group);
      Peer peer = selector.select(attempt, 0);
      assertThat(group.peers()).contains(peer);
      assertThat(attempt.current()).isSameAs(peer);
      open.add(attempt);
    }
    assertThat(group.peers().stream().mapToInt(Peer::conns).sum()).isEqualTo(30);
    for (Attempt attempt : open) {
      group.release(attempt, false, 0);
    }
    assertThat(group.peers()).allSatisfy(p -> assertThat(p.conns()).isZero());
  }

  @Test
  void neverPicksDownOrUnhealthyOrDrainingServers() {
    List<Peer> peers = peers("10.0.0.1:80 down", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80");
    peers.get(2).setHealthy(false);
    peers.get(3).setDraining(true);
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy().newSelector(group);
    for (int i = 0; i < 100; i++) {
      Attempt attempt = attempt(group);
      assertThat(selector.select(attempt, 0)).isSameAs(peers.get(1));
      group.release(attempt, false, 0);
    }
  }

  @Test
  void noServerLeftMeansNullNotException() {
    List<Peer> peers = peers("10.0.0.1:80", "10.0.0.2:80");
    peers.forEach(p -> p.setHealthy(false));
    PeerGroup group = new PeerGroup(peers);
    assertThat(strategy().newSelector(group).select(attempt(group), 0)).isNull();
  }

  @Test
  void oneAttemptNeverRetriesTheSameServer() {
    PeerGroup group =
        new PeerGroup(peers("10.0.0.1:80", "10.0.0.2:80 weight=3", "10.0.0.3:80", "10.0.0.4:80"));
    Selector selector = strategy().newSelector(group);
    for (int round = 0; round < 20; round++) {
      Attempt attempt = attempt(group);
      Set<Peer> seen = new HashSet<>();
      Peer peer;
      while ((peer = selector.select(attempt, round * SECOND)) != null) {
        assertThat(seen.add(peer)).as("server %s picked twice in one session", peer).isTrue();
        group.release(attempt, true, round * SECOND);
      }
      assertThat(seen).hasSize(4);
      // make every server usable again for the next round
      group.peers().forEach(Peer::resetFailures);
    }
  }

  @Test
  void maxConnsIsNeverExceeded() {
    List<Peer> peers = peers("10.0.0.1:80 max_conns=2", "10.0.0.2:80 max_conns=3");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy().newSelector(group);
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      if (selector.select(attempt(group), 0) != null) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(5);
    assertThat(peers.get(0).conns()).isEqualTo(2);
    assertThat(peers.get(1).conns()).isEqualTo(3);
  }

  @Test
  void failedServerRestsForFailTimeoutThenGetsOneTrial() {
    List<Peer> peers = peers("10.0.0.1:80 max_fails=1 fail_timeout=10s", "10.0.0.2:80");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy().newSelector(group);
    Peer bad = peers.get(0);
    // fail the first server once
    long now = 100 * SECOND;
    Attempt first = attempt(group);
    Peer picked = selector.select(first, now);
    while (picked != bad) {
      group.release(first, false, now);
      first = attempt(group);
      picked = selector.select(first, now);
    }
    group.release(first, true, now);
    assertThat(bad.fails()).isEqualTo(1);
    for (int i = 0; i < 50; i++) {
      Attempt attempt = attempt(group);
      assertThat(selector.select(attempt, now + 10 * SECOND)).isSameAs(peers.get(1));
      group.release(attempt, false, now + 10 * SECOND);
    }
    // after fail_timeout the server is eligible again; a successful connection resets its failures
    boolean tried = false;
    for (int i = 0; i < 200 && !tried; i++) {
      Attempt attempt = attempt(group);
      long later = now + 11 * SECOND;
      if (selector.select(attempt, later) == bad) {
        tried = true;
        group.connected(attempt);
      }
      group.release(attempt, false, later);
    }
    assertThat(tried).isTrue();
    assertThat(bad.fails()).isZero();
  }

  @Test
  void sharesFollowWeightsInTheLongRun() {
    if (!weighted()) {
      return;
    }
    List<Peer> peers =
        peers("10.0.0.1:80 weight=1", "10.0.0.2:80 weight=2", "10.0.0.3:80 weight=5");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy().newSelector(group);
    Map<Peer, Integer> count = new HashMap<>();
    int sessions = 16_000;
    for (int i = 0; i < sessions; i++) {
      Attempt attempt = attempt(group);
      count.merge(selector.select(attempt, 0), 1, Integer::sum);
      group.release(attempt, false, 0);
    }
    assertThat(count.get(peers.get(0)) / (double) sessions)
        .isCloseTo(1 / 8.0, org.assertj.core.data.Offset.offset(0.03));
    assertThat(count.get(peers.get(2)) / (double) sessions)
        .isCloseTo(5 / 8.0, org.assertj.core.data.Offset.offset(0.04));
  }

  @Test
  void failureCutsEffectiveWeightWhichRecoversByOnePerPass() {
    List<Peer> peers =
        peers("10.0.0.1:80 weight=10 max_fails=5", "10.0.0.2:80 weight=10 max_fails=5");
    PeerGroup group = new PeerGroup(peers);
    Selector selector = strategy().newSelector(group);
    Peer peer;
    Attempt attempt;
    do {
      attempt = attempt(group);
      peer = selector.select(attempt, 0);
      if (peer != peers.get(0)) {
        group.release(attempt, false, 0);
      }
    } while (peer != peers.get(0));
    group.release(attempt, true, 0);
    // nginx: effective_weight -= weight / max_fails
    assertThat(peers.get(0).effectiveWeight()).isLessThanOrEqualTo(10 - 2 + 1);
    assertThat(peers.get(0).fails()).isEqualTo(1);
    for (int i = 0; i < 40; i++) {
      Attempt next = attempt(group);
      selector.select(next, SECOND);
      group.release(next, false, SECOND);
    }
    if (usesSmoothWeights()) {
      assertThat(peers.get(0).effectiveWeight()).isEqualTo(10);
    }
  }

  /** Methods whose every pick runs a SWRR pass (and so restores effective weight). */
  boolean usesSmoothWeights() {
    return true;
  }

  @Test
  void selectorOfAStrategyWithoutBackupRejectsBackupServers() {
    if (strategy().acceptsBackup()) {
      PeerGroup group = new PeerGroup(peers("10.0.0.1:80", "10.0.0.2:80 backup"));
      Selector selector = strategy().newSelector(group);
      group.peers().get(0).setHealthy(false);
      assertThat(selector.select(attempt(group), 0)).isSameAs(group.peers().get(1));
    } else {
      PeerGroup group = new PeerGroup(peers("10.0.0.1:80", "10.0.0.2:80 backup"));
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .isThrownBy(() -> strategy().newSelector(group))
          .withMessageContaining("backup");
    }
  }

  @Test
  void directiveParsesBackToTheSameMethod() {
    BalancingStrategy parsed = BalancingStrategies.parse(strategy().directive());
    assertThat(parsed.directive()).isEqualTo(strategy().directive());
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
