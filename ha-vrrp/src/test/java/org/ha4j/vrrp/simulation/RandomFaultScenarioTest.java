package org.ha4j.vrrp.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded random runs; any invariant violation fails with its seed, which {@code
 * RandomFaultScenario.run(seed, DISRUPTIONS)} replays exactly.
 */
class RandomFaultScenarioTest {

  static final int SEEDS = 2000;
  static final int DISRUPTIONS = 40;

  @Test
  void everySeedKeepsTheInvariants() {
    long events = 0;
    long stableChecks = 0;
    long lost = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      RandomFaultScenario.Outcome outcome = RandomFaultScenario.run(seed, DISRUPTIONS);
      events += outcome.events();
      stableChecks += outcome.stableChecks();
      lost += outcome.packetsLost();
    }
    // the runs did real work: hundreds of events per seed, lossy networks, and stable periods
    // checked
    assertThat(events / SEEDS).isGreaterThan(200);
    assertThat(stableChecks).isGreaterThan(SEEDS);
    assertThat(lost).isGreaterThan(SEEDS);
    System.out.printf(
        "%d seeds: %d events, %d stable-network checks, %d packets lost%n",
        SEEDS, events, stableChecks, lost);
  }

  @Test
  void aSeedReplaysExactly() {
    Timeline first = new Timeline();
    Timeline second = new Timeline();
    RandomFaultScenario.run(4242, DISRUPTIONS, first);
    RandomFaultScenario.run(4242, DISRUPTIONS, second);
    assertThat(first.lines()).isNotEmpty().isEqualTo(second.lines());
  }
}
