package org.ha4j.vrrp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ha4j.vrrp.protocol.RouterHarness.PEER_HIGHER_ADDRESS;
import static org.ha4j.vrrp.protocol.RouterHarness.VIP;
import static org.ha4j.vrrp.protocol.RouterHarness.VRID;
import static org.ha4j.vrrp.protocol.RouterHarness.config;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.junit.jupiter.api.Test;

/**
 * The VRRPv3 timers over random priorities and intervals from 0.01 s to 40.95 s, from one seed
 * printed on failure (replay: {@code -Dha4j.timers.seed=SEED}): a backup's down timer is always 3
 * Master_Adver_Interval + Skew_Time of the interval it last learnt, whatever its own; Skew_Time is
 * below one interval and never grows with the priority; VRRPv2 keeps its fixed 1/256 s steps.
 */
class Vrrp3TimerPropertyTest {

  private static final long SEED = Long.getLong("ha4j.timers.seed", System.nanoTime());
  private static final int CASES = 5_000;
  private static final long CENTI = 10_000_000L;

  private interface Case {
    void check(Random random) throws Exception;
  }

  private static void forAll(String name, Case property) {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      try {
        property.check(random);
      } catch (Throwable t) {
        throw new AssertionError(
            name + " failed at case " + i + " (replay: -Dha4j.timers.seed=" + SEED + ")", t);
      }
    }
  }

  private static int interval(Random random) {
    return random.nextBoolean() ? 1 + random.nextInt(10) : 1 + random.nextInt(4095);
  }

  @Test
  void aBackupAlwaysTimesTheIntervalItLastLearnt() {
    forAll(
        "learnt interval",
        random -> {
          int priority = 1 + random.nextInt(254);
          int own = interval(random);
          RouterHarness h =
              RouterHarness.started(
                  config(priority)
                      .version(3)
                      .advertInterval(Duration.ofNanos(own * CENTI))
                      .build());
          assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay())
              .isEqualTo(VrrpTiming.v3MasterDownInterval(Duration.ofNanos(own * CENTI), priority));
          for (int n = random.nextInt(4); n >= 0; n--) {
            int masters = interval(random);
            h.feed(
                VrrpInput.advertisement(
                    PEER_HIGHER_ADDRESS,
                    VrrpAdvertisement.v3(VRID, 255, masters, List.of(VIP.address()))));
            Duration down = h.armed(VrrpTimer.MASTER_DOWN).delay();
            Duration learnt = Duration.ofNanos(masters * CENTI);
            assertThat(down).isEqualTo(VrrpTiming.v3MasterDownInterval(learnt, priority));
            assertThat(h.router.snapshot().masterAdverInterval()).isEqualTo(learnt);
            h.advanceBy(down.dividedBy(2));
            assertThat(h.state()).isEqualTo(VrrpState.BACKUP);
          }
        });
  }

  @Test
  void skewIsBelowOneIntervalAndFallsWithPriority() {
    forAll(
        "skew",
        random -> {
          Duration masters = Duration.ofNanos(interval(random) * CENTI);
          int priority = 1 + random.nextInt(254);
          Duration skew = VrrpTiming.v3SkewTime(priority, masters);
          Duration higher = VrrpTiming.v3SkewTime(priority + 1, masters);
          assertThat(skew).isLessThan(masters).isGreaterThanOrEqualTo(higher);
          // keepalived's microsecond rounding stays within 1 µs of the exact fraction
          double exact = (256.0 - priority) * masters.toNanos() / 256;
          assertThat((double) skew.toNanos()).isBetween(exact - 1_000, exact);
        });
  }

  @Test
  void vrrpv2KeepsItsFixedSkew() {
    forAll(
        "v2",
        random -> {
          int priority = 1 + random.nextInt(254);
          int seconds = 1 + random.nextInt(255);
          RouterHarness h =
              RouterHarness.started(config(priority).advertIntervalSeconds(seconds).build());
          assertThat(h.armed(VrrpTimer.MASTER_DOWN).delay())
              .isEqualTo(VrrpTiming.masterDownInterval(seconds, priority))
              .isEqualTo(
                  Duration.ofSeconds(3L * seconds).plusNanos((256L - priority) * 3_906_250L));
        });
  }
}
