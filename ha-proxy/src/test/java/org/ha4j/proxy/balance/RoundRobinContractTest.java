package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class RoundRobinContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.roundRobin();
  }
}
