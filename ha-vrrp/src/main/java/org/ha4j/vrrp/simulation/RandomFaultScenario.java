package org.ha4j.vrrp.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;

/**
 * A random but replayable run: 2-4 routers in one or two VRIDs with random priorities (at most one
 * owner per VRID), preempt modes, preempt delays and tracked inputs, on a LAN with random loss,
 * delay, duplication and leaked stale timers, hit by random crashes, restarts, clean stops, health
 * and link changes, partitions and condition changes; then the network is healed for long enough
 * that the stable-network invariant must hold. Everything derives from the seed.
 *
 * <p>{@code RandomFaultScenario.run(seed, 40)} throws {@link InvariantViolation} naming the seed if
 * any invariant of {@link VirtualLan} breaks.
 */
public final class RandomFaultScenario {

  /** What one run did. */
  public record Outcome(
      long seed, long events, long stableChecks, long packetsLost, Duration virtualTime) {}

  /** Which VRRP versions the routers of a run speak. */
  public enum Versions {
    /** VRRPv2 at 1-2 s, the original scenario (its draws, and so its seeds, unchanged). */
    V2,
    /**
     * VRRPv3: one time scale per run from 10 ms to 40.95 s, and each router its own interval of 1-4
     * times it (capped at 40.95 s), so backups must learn the master's; the network's delays,
     * pauses and preempt delays scale with it.
     */
    V3,
    /** VRRPv2 and VRRPv3 routers on one VRID, which must drop each other's adverts by name. */
    MIXED
  }

  /** The run's time scales, in centiseconds: from the smallest VRRPv3 interval to the largest. */
  private static final int[] V3_SCALES_CENTIS = {1, 2, 5, 10, 50, 100, 250, 1000, 4095};

  private static final long SECOND = 1_000_000_000L;

  private static final String HEALTH = "health";
  private static final int[] PRIORITIES = {1, 50, 90, 100, 100, 150, 200, 254};

  private RandomFaultScenario() {}

  /**
   * @param seed everything random derives from it
   * @param disruptions how many random outside events to inject (each after a random pause of 0.1-4
   *     s, or 5-30 s)
   */
  public static Outcome run(long seed, int disruptions) {
    return run(seed, disruptions, new SimulationListener() {});
  }

  public static Outcome run(long seed, int disruptions, SimulationListener listener) {
    return run(seed, disruptions, Versions.V2, listener);
  }

  /** A run whose routers speak {@code versions}; see {@link Versions}. */
  public static Outcome run(
      long seed, int disruptions, Versions versions, SimulationListener listener) {
    if (disruptions < 0) {
      throw new IllegalArgumentException("disruptions must be >= 0, got " + disruptions);
    }
    SplittableRandom scenario = new SplittableRandom(seed);
    // Nanoseconds that stand for the scenario's "second": 1 s under VRRPv2 and mixed runs.
    long scale =
        versions == Versions.V3
            ? V3_SCALES_CENTIS[scenario.nextInt(V3_SCALES_CENTIS.length)] * 10_000_000L
            : SECOND;
    NetworkConditions lossy = randomConditions(scenario, scale);
    VirtualLan lan =
        VirtualLan.builder(seed)
            .random(scenario.split())
            .conditions(lossy)
            .staleTimerProbability(scenario.nextDouble() < 0.5 ? 0.2 : 0)
            .listener(listener)
            .build();
    List<SimulatedRouter> routers = addRouters(scenario, lan, versions, scale);
    for (SimulatedRouter router : routers) {
      lan.at(Duration.ofMillis(scenario.nextLong(0, 2000)), router::start);
    }
    for (int i = 0; i < disruptions; i++) {
      // mostly short pauses (faults pile up), sometimes long ones (the network settles mid-run)
      long pauseMillis =
          scenario.nextDouble() < 0.7
              ? scenario.nextLong(100, 4000)
              : scenario.nextLong(5000, 30000);
      lan.runFor(scaled(Duration.ofMillis(pauseMillis), scale));
      disrupt(scenario, lan, routers, lossy);
    }
    // Heal everything and let the stable-network invariant be checked for a while.
    lan.heal();
    lan.setConditions(NetworkConditions.perfect(lossy.maxDelay()));
    for (SimulatedRouter router : routers) {
      router.setLinkUp(true);
      if (!router.isRunning()) {
        router.start();
      }
    }
    long window = lan.stabilisationWindow().toNanos();
    lan.runFor(Duration.ofNanos(window + 5 * scale));
    lan.checkInvariants();
    if (lan.stableChecks() == 0) {
      throw new IllegalStateException(
          "seed " + seed + ": the stable-network invariant was never checked");
    }
    return new Outcome(
        seed,
        lan.events(),
        lan.stableChecks(),
        lan.packetsLost(),
        Duration.ofNanos(lan.nowNanos()));
  }

  /** {@code d} in a run whose "second" lasts {@code scale} nanoseconds. */
  private static Duration scaled(Duration d, long scale) {
    return scale == SECOND
        ? d
        : Duration.ofNanos(
            java.math.BigInteger.valueOf(d.toNanos())
                .multiply(java.math.BigInteger.valueOf(scale))
                .divide(java.math.BigInteger.valueOf(SECOND))
                .longValueExact());
  }

  private static NetworkConditions randomConditions(SplittableRandom random, long scale) {
    double loss = random.nextDouble() < 0.3 ? 0 : random.nextDouble(0, 0.25);
    long minMicros = random.nextLong(0, 2000);
    long maxMicros = minMicros + random.nextLong(0, 200_000);
    double duplicate = random.nextDouble() < 0.5 ? 0 : random.nextDouble(0, 0.1);
    return new NetworkConditions(
        loss,
        scaled(Duration.ofNanos(minMicros * 1000), scale),
        scaled(Duration.ofNanos(maxMicros * 1000), scale),
        duplicate);
  }

  private static List<SimulatedRouter> addRouters(
      SplittableRandom random, VirtualLan lan, Versions versions, long scale) {
    int count = random.nextInt(2, 5);
    boolean twoGroups = count >= 3 && random.nextDouble() < 0.3 && versions != Versions.MIXED;
    int[] intervals = {random.nextDouble() < 0.8 ? 1 : 2, random.nextDouble() < 0.8 ? 1 : 2};
    boolean[] ownerTaken = new boolean[2];
    List<SimulatedRouter> routers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int group = twoGroups ? i % 2 : 0;
      int priority = PRIORITIES[random.nextInt(PRIORITIES.length)];
      if (!ownerTaken[group] && random.nextDouble() < 0.1) {
        priority = VrrpRouterConfig.OWNER_PRIORITY;
        ownerTaken[group] = true;
      }
      VrrpRouterConfig.Builder config =
          VrrpRouterConfig.builder()
              .instanceName("VI_" + (group + 1))
              .virtualRouterId(51 + group)
              .priority(priority)
              .primaryAddress(Ipv4Address.parse("10.200.0." + (10 + i * 60 + random.nextInt(60))))
              .authentication(VrrpAuthentication.password("1111"))
              .addVirtualAddress(Ipv4Cidr.parse("10.200.0." + (100 + group) + "/24"))
              .preempt(random.nextDouble() < 0.75)
              .initialState(
                  random.nextBoolean()
                      ? VrrpRouterConfig.InitialState.MASTER
                      : VrrpRouterConfig.InitialState.BACKUP);
      switch (versions) {
        case V2 -> config.advertIntervalSeconds(intervals[group]);
        case V3 ->
            config
                .version(3)
                .advertInterval(
                    Duration.ofNanos(
                        Math.min(
                            random.nextInt(1, 5) * scale,
                            VrrpWireFormat.MAX_ADVERT_INTERVAL_CENTIS * 10_000_000L)));
        case MIXED -> {
          if (i % 2 == 0) {
            config.advertIntervalSeconds(intervals[group]);
          } else {
            int[] centis = {25, 50, 100, 200};
            config
                .version(3)
                .advertInterval(Duration.ofMillis(10L * centis[random.nextInt(centis.length)]));
          }
        }
        default -> throw new IllegalStateException(versions.toString());
      }
      if (random.nextDouble() < 0.3) {
        config.preemptDelay(scaled(Duration.ofSeconds(random.nextInt(1, 6)), scale));
      }
      int[] weights = {0, 0, -60, -20, 30};
      config.track(HEALTH, weights[random.nextInt(weights.length)]);
      routers.add(lan.addRouter("R" + (i + 1), config.build()));
    }
    return routers;
  }

  private static void disrupt(
      SplittableRandom random,
      VirtualLan lan,
      List<SimulatedRouter> routers,
      NetworkConditions lossy) {
    SimulatedRouter router = routers.get(random.nextInt(routers.size()));
    int choice = random.nextInt(100);
    if (choice < 25) {
      return; // a quiet period
    } else if (choice < 45) {
      router.setHealth(HEALTH, random.nextBoolean() ? HealthStatus.DOWN : HealthStatus.UP);
    } else if (choice < 55) {
      router.crash();
    } else if (choice < 62) {
      router.stop();
    } else if (choice < 72) {
      router.start();
    } else if (choice < 80) {
      router.setLinkUp(!router.linkUp());
    } else if (choice < 88) {
      if (lan.partitioned()) {
        lan.heal();
      } else {
        List<SimulatedRouter> side = routers.stream().filter(r -> random.nextBoolean()).toList();
        lan.partition(side);
      }
    } else {
      lan.setConditions(
          lan.conditions().lossy() || random.nextBoolean()
              ? NetworkConditions.perfect(lossy.minDelay())
              : lossy);
    }
  }
}
