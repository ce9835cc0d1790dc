package org.ha4j.proxy.balance;

import java.util.SplittableRandom;

/** The balancing contract for one method. */
class RandomTwoContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.random(true, () -> new SplittableRandom(7));
  }

  @Override
  boolean weighted() {
    // two distinct draws, ties to the second: shares flatten towards equal when sessions end at
    // once
    return false;
  }

  @Override
  boolean usesSmoothWeights() {
    return false;
  }
}
