package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class HashContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.hash(HashKey.parse("$remote_addr"));
  }

  @Override
  boolean usesSmoothWeights() {
    return false;
  }
}
