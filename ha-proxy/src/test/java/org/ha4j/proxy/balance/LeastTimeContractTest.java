package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class LeastTimeContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.leastTime("connect");
  }
}
