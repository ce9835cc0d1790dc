package org.ha4j.vrrp.simulation;

/**
 * A VRRP safety or liveness property failed in a simulation. The message names the seed, the
 * virtual time and the recent events, so the run can be replayed exactly.
 */
public final class InvariantViolation extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long seed;
  private final long nowNanos;

  InvariantViolation(long seed, long nowNanos, String message) {
    super(message);
    this.seed = seed;
    this.nowNanos = nowNanos;
  }

  /** The seed that reproduces this run. */
  public long seed() {
    return seed;
  }

  /** The virtual time of the violation. */
  public long nowNanos() {
    return nowNanos;
  }
}
