package org.ha4j.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The steady-state fast path ({@link SteadyRoundRobin}) never changes a pick: two worlds with the
 * same servers receive the same random events (sessions opened, ended, failed and retried,
 * connects, health and drain toggles, time passing beyond fail_timeout, response times, re-weights,
 * servers added and removed), one with the production selectors (fast path on) and one on nginx's
 * plain loops ({@link NginxScan}, the oracle); every pick and, at random moments and at the end,
 * every peer's current weight, effective weight, sessions and failures must be equal. A failing
 * seed is printed.
 */
class SteadyFastPathEquivalenceTest {

  private static final long SECOND = 1_000_000_000L;
  private static final int SEEDS = 60;
  private static final int EVENTS = 500;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "round_robin",
        "least_conn",
        "least_time connect",
        "hash $remote_addr",
        "hash $remote_addr consistent",
        "random",
        "random two",
        "ip_hash"
      })
  void fastPathPicksWhatThePlainScanPicks(String directive) {
    long steadyPicks = 0;
    long cyclePicks = 0;
    long indexedPicks = 0;
    long picks = 0;
    for (int seed = 1; seed <= SEEDS; seed++) {
      Run run = new Run(directive, seed);
      try {
        run.play();
      } catch (AssertionError e) {
        throw new AssertionError(
            directive + ", seed " + seed + ", event " + run.event + ": " + e.getMessage(), e);
      }
      steadyPicks += run.fast.steadyPicks();
      cyclePicks += run.fast.cyclePicks();
      indexedPicks += run.fast.lists.stream().mapToLong(list -> list.indexedPicks).sum();
      picks += run.picks;
    }
    if (directive.equals("round_robin") || directive.startsWith("least")) {
      // the comparison means something only if the fast path ran a good share of the picks
      assertThat(steadyPicks).as("steady picks of %d", picks).isGreaterThan(picks / 10);
      assertThat(cyclePicks).as("picks from the cycle of %d", picks).isGreaterThan(picks / 50);
    }
    if (directive.equals("least_conn")) {
      assertThat(indexedPicks)
          .as("picks from the least_conn index of %d", picks)
          .isGreaterThan(picks / 20);
    }
  }

  /**
   * Long steady stretches at 256 servers (the cycle is recorded, then served), with one server
   * unhealthy and another draining during some, broken by a failure, a retry and a re-weight;
   * compared pick by pick and then weight by weight.
   */
  @ParameterizedTest
  @ValueSource(strings = {"round_robin", "least_conn", "least_time connect"})
  void longSteadyStretchesAtTwoHundredFiftySixServers(String directive) {
    List<String> specs = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      specs.add(
          "10.1." + i / 250 + "." + (i % 250 + 1) + ":80 weight=" + (i % 4 + 1) + " max_fails=2");
    }
    World fast = new World(directive, 1, specs, true);
    World plain = new World(directive, 1, specs, false);
    long now = 0;
    for (int stretch = 0; stretch < 6; stretch++) {
      for (int i = 0; i < 2000 + 333 * stretch; i++) {
        Attempt a = fast.group.newAttempt(null, null, 0);
        Attempt b = plain.group.newAttempt(null, null, 0);
        assertThat(fast.select(a, now).server()).isEqualTo(plain.select(b, now).server());
        boolean fail = i == 1000 + stretch;
        a.group().release(a, fail, now);
        b.group().release(b, fail, now);
        if (fail) {
          // next upstream: a pick with a tried server, then the slow start of the failed one
          assertThat(fast.select(a, now).server()).isEqualTo(plain.select(b, now).server());
          a.group().release(a, false, now);
          b.group().release(b, false, now);
        }
      }
      // one server unhealthy (another one drained) during the next stretch: the steady state runs
      // without it
      int flap = 7 * stretch;
      if (stretch > 0) {
        fast.order.get(flap - 7).setHealthy(true);
        plain.order.get(flap - 7).setHealthy(true);
      }
      fast.order.get(flap).setHealthy(false);
      plain.order.get(flap).setHealthy(false);
      fast.order.get(200).setDraining(stretch % 2 == 0);
      plain.order.get(200).setDraining(stretch % 2 == 0);
      for (int i = 0; i < fast.order.size(); i++) {
        assertThat(fast.order.get(i).currentWeight())
            .as("peer %d", i)
            .isEqualTo(plain.order.get(i).currentWeight());
      }
      if (stretch == 3) {
        fast.reweight(11, 7);
        plain.reweight(11, 7);
      }
      now += 20_000_000_000L;
    }
    assertThat(fast.cyclePicks()).isGreaterThan(5000);
  }

  /** One seed: two worlds and the event stream. */
  private static final class Run {
    final SplittableRandom random;
    final World fast;
    final World plain;
    final boolean backups;
    long now = 5 * SECOND;

    /** Share of sessions that stay open for a while (the others end at once). */
    final int keepPercent;

    /** Share of disturbing events (health, drain, re-weight, add/remove, failures) that happen. */
    final int stormPercent;

    int event;
    long picks;
    int serial;

    Run(String directive, long seed) {
      this.random = new SplittableRandom(seed);
      this.backups = BalancingStrategies.parse(directive).acceptsBackup();
      this.keepPercent = new int[] {0, 20, 60}[random.nextInt(3)];
      this.stormPercent = new int[] {3, 20, 100}[random.nextInt(3)];
      int servers = random.nextBoolean() ? 1 + random.nextInt(5) : 2 + random.nextInt(60);
      List<String> specs = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        specs.add(spec(i == 0));
      }
      this.fast = new World(directive, seed, specs, true);
      this.plain = new World(directive, seed, specs, false);
    }

    String spec(boolean primary) {
      StringBuilder line =
          new StringBuilder("10.0." + serial / 250 + "." + (serial % 250 + 1) + ":80");
      serial++;
      line.append(" weight=").append(1 + random.nextInt(random.nextBoolean() ? 3 : 6));
      line.append(" max_fails=").append(random.nextInt(4));
      if (random.nextInt(8) == 0) {
        line.append(" max_conns=").append(1 + random.nextInt(3));
      }
      if (!primary && backups && random.nextInt(6) == 0) {
        line.append(" backup");
      }
      if (!primary && random.nextInt(20) == 0) {
        line.append(" down");
      }
      return line.toString();
    }

    void play() {
      for (event = 0; event < EVENTS; event++) {
        int kind = random.nextInt(100);
        if (kind >= 70 && kind < 95 && random.nextInt(100) >= stormPercent) {
          kind = 0;
        }
        if (kind < 45) {
          openSession();
        } else if (kind < 65) {
          endSession();
        } else if (kind < 70) {
          if (!fast.open.isEmpty()) {
            int i = random.nextInt(fast.open.size());
            fast.connected(i);
            plain.connected(i);
          }
        } else if (kind < 74) {
          int i = random.nextInt(fast.order.size());
          boolean healthy = random.nextInt(3) != 0;
          fast.order.get(i).setHealthy(healthy);
          plain.order.get(i).setHealthy(healthy);
        } else if (kind < 77) {
          int i = random.nextInt(fast.order.size());
          boolean draining = random.nextInt(3) == 0;
          fast.order.get(i).setDraining(draining);
          plain.order.get(i).setDraining(draining);
        } else if (kind < 84) {
          now += random.nextLong(random.nextBoolean() ? SECOND : 12 * SECOND);
        } else if (kind < 89) {
          int i = random.nextInt(fast.order.size());
          long millis = random.nextBoolean() ? random.nextInt(10) : random.nextInt(300);
          PeerGroup.recordResponseTime(fast.order.get(i), millis);
          PeerGroup.recordResponseTime(plain.order.get(i), millis);
        } else if (kind < 91) {
          int i = random.nextInt(fast.order.size());
          int weight = 1 + random.nextInt(5);
          fast.reweight(i, weight);
          plain.reweight(i, weight);
        } else if (kind < 93) {
          String line = spec(false);
          fast.add(line);
          plain.add(line);
        } else if (kind < 95) {
          int i = random.nextInt(fast.order.size());
          if (fast.canRemove(i)) {
            fast.remove(i);
            plain.remove(i);
          }
        } else {
          compareState();
        }
      }
      compareState();
    }

    void openSession() {
      int client = random.nextInt();
      byte[] address = {
        (byte) (client >>> 24), (byte) (client >>> 16), (byte) (client >>> 8), (byte) client
      };
      byte[] key =
          random.nextInt(10) == 0
              ? new byte[0]
              : ((address[0] & 0xff)
                      + "."
                      + (address[1] & 0xff)
                      + "."
                      + (address[2] & 0xff)
                      + "."
                      + (address[3] & 0xff))
                  .getBytes(StandardCharsets.US_ASCII);
      int tries = random.nextInt(3);
      boolean keep = random.nextInt(100) < keepPercent;
      Attempt a = fast.group.newAttempt(key, address, tries);
      Attempt b = plain.group.newAttempt(key, address, tries);
      comparePick(fast.select(a, now), plain.select(b, now));
      if (a.current() == null) {
        return;
      }
      if (keep) {
        fast.open.add(a);
        plain.open.add(b);
      } else {
        a.group().release(a, false, now);
        b.group().release(b, false, now);
      }
    }

    void endSession() {
      if (fast.open.isEmpty()) {
        return;
      }
      int i = random.nextInt(fast.open.size());
      Attempt a = fast.open.remove(i);
      Attempt b = plain.open.remove(i);
      boolean failed = random.nextInt(300) < stormPercent;
      a.group().release(a, failed, now);
      b.group().release(b, failed, now);
      if (failed && a.triesLeft() > 0 && random.nextInt(4) != 0) {
        // nginx's next upstream: the same session picks again, with its tried servers excluded
        comparePick(fast.select(a, now), plain.select(b, now));
        if (a.current() != null) {
          fast.open.add(a);
          plain.open.add(b);
        }
      }
    }

    void comparePick(Peer a, Peer b) {
      picks++;
      assertThat(a == null ? null : a.server()).as("pick").isEqualTo(b == null ? null : b.server());
    }

    void compareState() {
      for (int i = 0; i < fast.order.size(); i++) {
        Peer a = fast.order.get(i);
        Peer b = plain.order.get(i);
        assertThat(new long[] {a.currentWeight(), a.effectiveWeight(), a.conns(), a.fails()})
            .as("current, effective weight, conns, fails of %s", a)
            .containsExactly(b.currentWeight(), b.effectiveWeight(), b.conns(), b.fails());
      }
    }
  }

  /**
   * One upstream, as {@code Upstream} keeps it: servers, the current group, selectors of earlier
   * groups.
   */
  private static final class World {
    final String directive;
    final long seed;
    final boolean steadyFastPath;
    final BalancingStrategy strategy;
    final List<Peer> order = new ArrayList<>();
    final Map<PeerGroup, Selector> selectors = new HashMap<>();
    final List<Attempt> open = new ArrayList<>();
    final List<PeerList> lists = new ArrayList<>();
    PeerGroup group;

    World(String directive, long seed, List<String> specs, boolean steadyFastPath) {
      this.directive = directive;
      this.seed = seed;
      this.steadyFastPath = steadyFastPath;
      this.strategy = BalancingStrategies.parse(directive, () -> new SplittableRandom(seed));
      for (String line : specs) {
        order.add(new Peer(ServerSpec.parse(line)));
      }
      rebuild();
    }

    void rebuild() {
      group = new PeerGroup(order, steadyFastPath);
      selectors.put(
          group,
          steadyFastPath ? strategy.newSelector(group) : NginxScan.selector(strategy, group));
      lists.add(group.primary);
      if (group.backup != null) {
        lists.add(group.backup);
      }
    }

    Peer select(Attempt attempt, long now) {
      return selectors.get(attempt.group()).select(attempt, now);
    }

    void connected(int i) {
      Attempt attempt = open.get(i);
      attempt.group().connected(attempt);
    }

    void reweight(int i, int weight) {
      order.get(i).reweight(weight);
      rebuild();
    }

    void add(String line) {
      order.add(new Peer(ServerSpec.parse(line)));
      rebuild();
    }

    boolean canRemove(int i) {
      return order.stream().filter(p -> p != order.get(i)).anyMatch(p -> !p.spec().backup());
    }

    void remove(int i) {
      order.remove(i);
      rebuild();
    }

    long steadyPicks() {
      return lists.stream().mapToLong(PeerList::steadyPicks).sum();
    }

    long cyclePicks() {
      return lists.stream().mapToLong(PeerList::cyclePicks).sum();
    }
  }

  /**
   * The oracle: nginx's selection loops for the SWRR family written out plainly, as in {@code
   * ngx_stream_upstream_get_peer()} and {@code ngx_stream_upstream_get_least_conn_peer()} (every
   * peer visited, eligibility tested per peer, a second pass over the ties), independent of the
   * production scans.
   */
  static final class NginxScan {

    static Selector selector(BalancingStrategy strategy, PeerGroup group) {
      if (strategy instanceof RoundRobin) {
        return (attempt, now) -> pick(attempt, now, 0);
      }
      if (strategy instanceof LeastConn) {
        return (attempt, now) -> pick(attempt, now, 1);
      }
      if (strategy instanceof LeastTime) {
        return (attempt, now) -> pick(attempt, now, 2);
      }
      return strategy.newSelector(group);
    }

    /** kind: 0 round robin, 1 least_conn, 2 least_time. */
    static Peer pick(Attempt attempt, long now, int kind) {
      while (true) {
        PeerList list = attempt.list;
        Peer peer;
        if (list.single) {
          Peer only = list.peers[0];
          peer = only.down() || only.full() ? null : only;
        } else {
          peer = kind == 0 ? smooth(attempt, list, now) : least(attempt, list, now, kind == 2);
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

    static Peer smooth(Attempt attempt, PeerList list, long now) {
      Peer best = null;
      int bestIndex = -1;
      long total = 0;
      for (int i = 0; i < list.number; i++) {
        Peer peer = list.peers[i];
        if (attempt.tried(i) || !peer.usable(now)) {
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

    static Peer least(Attempt attempt, PeerList list, long now, boolean byEta) {
      Peer best = null;
      long bestLoad = 0;
      int bestIndex = -1;
      boolean many = false;
      for (int i = 0; i < list.number; i++) {
        Peer peer = list.peers[i];
        if (attempt.tried(i) || !peer.usable(now)) {
          continue;
        }
        long load = byEta ? LeastTime.eta(peer, now) : peer.conns;
        if (best == null || load * best.weight < bestLoad * peer.weight) {
          best = peer;
          bestLoad = load;
          bestIndex = i;
          many = false;
        } else if (load * best.weight == bestLoad * peer.weight) {
          many = true;
        }
      }
      if (best == null) {
        return null;
      }
      long total = 0;
      if (many) {
        Peer first = best;
        long firstLoad = bestLoad;
        for (int i = bestIndex; i < list.number; i++) {
          Peer peer = list.peers[i];
          if (attempt.tried(i) || !peer.usable(now)) {
            continue;
          }
          long load = byEta ? LeastTime.eta(peer, now) : peer.conns;
          if (load * first.weight != firstLoad * peer.weight) {
            continue;
          }
          total += peer.advanceSmoothWeight();
          if (peer.currentWeight > best.currentWeight) {
            best = peer;
            bestIndex = i;
          }
        }
      }
      best.currentWeight -= total;
      best.markChecked(now);
      attempt.markTried(bestIndex);
      return best;
    }
  }
}
