package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class LeastConnContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.leastConn();
  }
}
