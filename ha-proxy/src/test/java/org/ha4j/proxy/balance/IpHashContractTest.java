package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class IpHashContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.ipHash();
  }

  @Override
  boolean usesSmoothWeights() {
    return false;
  }
}
