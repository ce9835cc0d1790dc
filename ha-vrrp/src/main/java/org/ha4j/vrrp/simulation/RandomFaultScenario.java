package org.ha4j.vrrp.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
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
    if (disruptions < 0) {
      throw new IllegalArgumentException("disruptions must be >= 0, got " + disruptions);
    }
    SplittableRandom scenario = new SplittableRandom(seed);
    NetworkConditions lossy = randomConditions(scenario);
    VirtualLan lan =
        VirtualLan.builder(seed)
            .random(scenario.split())
            .conditions(lossy)
            .staleTimerProbability(scenario.nextDouble() < 0.5 ? 0.2 : 0)
            .listener(listener)
            .build();
    List<SimulatedRouter> routers = addRouters(scenario, lan);
    for (SimulatedRouter router : routers) {
      lan.at(Duration.ofMillis(scenario.nextLong(0, 2000)), router::start);
    }
    for (int i = 0; i < disruptions; i++) {
      // mostly short pauses (faults pile up), sometimes long ones (the network settles mid-run)
      long pauseMillis =
          scenario.nextDouble() < 0.7
              ? scenario.nextLong(100, 4000)
              : scenario.nextLong(5000, 30000);
      lan.runFor(Duration.ofMillis(pauseMillis));
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
    lan.runFor(Duration.ofNanos(window + 5_000_000_000L));
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

  private static NetworkConditions randomConditions(SplittableRandom random) {
    double loss = random.nextDouble() < 0.3 ? 0 : random.nextDouble(0, 0.25);
    long minMicros = random.nextLong(0, 2000);
    long maxMicros = minMicros + random.nextLong(0, 200_000);
    double duplicate = random.nextDouble() < 0.5 ? 0 : random.nextDouble(0, 0.1);
    return new NetworkConditions(
        loss, Duration.ofNanos(minMicros * 1000), Duration.ofNanos(maxMicros * 1000), duplicate);
  }

  private static List<SimulatedRouter> addRouters(SplittableRandom random, VirtualLan lan) {
    int count = random.nextInt(2, 5);
    boolean twoGroups = count >= 3 && random.nextDouble() < 0.3;
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
              .advertIntervalSeconds(intervals[group])
              .primaryAddress(Ipv4Address.parse("10.200.0." + (10 + i * 60 + random.nextInt(60))))
              .authentication(VrrpAuthentication.password("1111"))
              .addVirtualAddress(Ipv4Cidr.parse("10.200.0." + (100 + group) + "/24"))
              .preempt(random.nextDouble() < 0.75)
              .initialState(
                  random.nextBoolean()
                      ? VrrpRouterConfig.InitialState.MASTER
                      : VrrpRouterConfig.InitialState.BACKUP);
      if (random.nextDouble() < 0.3) {
        config.preemptDelay(Duration.ofSeconds(random.nextInt(1, 6)));
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
