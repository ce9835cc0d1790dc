package org.ha4j.proxy.balance;

import java.util.Optional;

/**
 * A load-balancing method: a stateless factory of {@link Selector}s, one per upstream configuration
 * (the split of Armeria's {@code EndpointSelectionStrategy}). Instances come from {@link
 * BalancingStrategies}.
 */
public interface BalancingStrategy {

  /**
   * The method as written in nginx, e.g. {@code least_conn} or {@code hash $remote_addr
   * consistent}.
   */
  String directive();

  /**
   * Whether servers may be {@code backup} with this method (nginx rejects it for hash and random).
   */
  boolean acceptsBackup();

  /** The key template for hash methods ({@code $remote_addr}, ...); empty for the others. */
  default Optional<HashKey> hashKey() {
    return Optional.empty();
  }

  /**
   * Builds the selector for {@code group}: precomputes what the method needs (ketama points,
   * ranges).
   *
   * @throws IllegalArgumentException if the group has backups and {@link #acceptsBackup()} is false
   */
  Selector newSelector(PeerGroup group);
}
