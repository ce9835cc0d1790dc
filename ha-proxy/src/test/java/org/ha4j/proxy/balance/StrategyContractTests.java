package org.ha4j.proxy.balance;

import java.util.SplittableRandom;

/** One concrete contract run per balancing method. */
final class StrategyContractTests {

    private StrategyContractTests() {
    }

    static final class RoundRobinContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.roundRobin();
        }
    }

    static final class LeastConnContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.leastConn();
        }
    }

    static final class LeastTimeContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.leastTime("connect");
        }
    }

    static final class HashContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.hash(HashKey.parse("$remote_addr"));
        }

        @Override
        boolean usesSmoothWeights() {
            return false;
        }
    }

    static final class ConsistentHashContractTest extends BalancingStrategyContract {
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

    static final class RandomContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.random(false, () -> new SplittableRandom(7));
        }

        @Override
        boolean usesSmoothWeights() {
            return false;
        }
    }

    static final class RandomTwoContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.random(true, () -> new SplittableRandom(7));
        }

        @Override
        boolean weighted() {
            // two distinct draws, ties to the second: shares flatten towards equal when sessions end at once
            return false;
        }

        @Override
        boolean usesSmoothWeights() {
            return false;
        }
    }

    static final class IpHashContractTest extends BalancingStrategyContract {
        @Override
        BalancingStrategy strategy() {
            return BalancingStrategies.ipHash();
        }

        @Override
        boolean usesSmoothWeights() {
            return false;
        }
    }
}
