package org.ha4j.proxy.balance;

import java.util.SplittableRandom;

/** The balancing contract for one method. */
class RandomContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.random(false, () -> new SplittableRandom(7));
  }

  @Override
  boolean usesSmoothWeights() {
    return false;
  }
}
