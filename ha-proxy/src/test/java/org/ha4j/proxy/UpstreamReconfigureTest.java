package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.Test;

/**
 * The picks of sessions that straddle a reload of their upstream: before their first pick they take
 * the new servers; on a retry they never get a server the reload removed.
 */
class UpstreamReconfigureTest {

  private static final long NOW = 1_000_000_000L;

  private static Upstream upstream(BalancingStrategy method, String... servers) {
    return new Upstream(
        "app", method, java.util.Arrays.stream(servers).map(ServerSpec::parse).toList());
  }

  private static String pick(Upstream u, Attempt attempt) {
    Upstream.Backend b = u.select(attempt, NOW);
    return b == null ? null : b.peer.server();
  }

  @Test
  void aSessionThatHasNotPickedYetPicksAmongTheNewServers() {
    Upstream u = upstream(BalancingStrategies.roundRobin(), "10.0.0.1:80", "10.0.0.2:80");
    Attempt attempt = u.newAttempt(null, new byte[] {10, 0, 0, 9}, 0);
    u.reconfigure(upstream(BalancingStrategies.leastConn(), "10.0.0.3:80"));
    assertThat(pick(u, attempt)).isEqualTo("10.0.0.3:80");
    assertThat(attempt.group().peers()).extracting(p -> p.server()).containsExactly("10.0.0.3:80");
  }

  @Test
  void aRetryNeverGetsARemovedServer() {
    Upstream u =
        upstream(BalancingStrategies.roundRobin(), "10.0.0.1:80", "10.0.0.2:80", "10.0.0.4:80");
    Attempt attempt = u.newAttempt(null, new byte[] {10, 0, 0, 9}, 0);
    assertThat(pick(u, attempt)).isEqualTo("10.0.0.1:80");
    u.release(attempt, true, NOW); // the connect failed: the session retries on its own group
    u.reconfigure(upstream(BalancingStrategies.roundRobin(), "10.0.0.1:80", "10.0.0.4:80"));
    assertThat(pick(u, attempt)).isEqualTo("10.0.0.4:80");
    assertThat(u.stats(NOW))
        .extracting(BackendStats::server)
        .containsExactly("10.0.0.1:80", "10.0.0.4:80");
  }
}
