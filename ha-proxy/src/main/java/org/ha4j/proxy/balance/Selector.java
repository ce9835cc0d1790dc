package org.ha4j.proxy.balance;

/**
 * Picks a server for one connection attempt; one instance per upstream configuration, made by a
 * {@link BalancingStrategy}. Pure: no clock reads, no I/O; time comes in as {@code now}.
 *
 * <p>Not thread-safe: callers serialise all calls for one upstream (the proxy holds the upstream's
 * lock), as nginx holds the upstream's lock around {@code get}/{@code free}.
 */
@FunctionalInterface
public interface Selector {

  /**
   * Picks the next server for {@code attempt}, counts it in its {@code conns} and marks it tried.
   *
   * @param now monotonic nanoseconds
   * @return the server, or null when none is available: nginx's {@code NGX_BUSY}, "no live
   *     upstreams", 502
   */
  Peer select(Attempt attempt, long now);
}
