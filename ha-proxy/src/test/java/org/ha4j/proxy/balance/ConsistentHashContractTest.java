package org.ha4j.proxy.balance;

/** The balancing contract for one method. */
class ConsistentHashContractTest extends BalancingStrategyContract {
  @Override
  BalancingStrategy strategy() {
    return BalancingStrategies.consistentHash(HashKey.parse("$remote_addr"));
  }

  @Override
  boolean weighted() {
    // ketama with 160 points per weight follows weights only roughly; covered by its own test
    return false;
  }
}
