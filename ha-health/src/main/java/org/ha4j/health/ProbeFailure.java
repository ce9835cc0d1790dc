package org.ha4j.health;

/** Why a probe run counted as a failure, as {@link ProbeStats} counts it. */
public enum ProbeFailure {
  /**
   * The probe ran and found the checked thing unhealthy: a refused connect, a non-zero exit, an
   * HTTP status outside the expected ones, or a check that completed with an exception.
   */
  FAILED,
  /** The run did not finish within the schedule's timeout and was cancelled. */
  TIMEOUT,
  /**
   * A run cancelled for its timeout had still not returned at the next tick (a probe that ignores
   * cancellation): each such tick counts.
   */
  STILL_RUNNING,
  /**
   * The probe itself broke its contract: it threw, returned no stage, or completed with no result.
   */
  PROBE_ERROR
}
