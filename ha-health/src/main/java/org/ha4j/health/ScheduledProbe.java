package org.ha4j.health;

import java.util.Optional;
import org.ha4j.core.health.HealthSource;

/**
 * A probe running on a {@link HealthChecks} schedule, seen as a {@link HealthSource}: its status
 * moves by keepalived's rise/fall rules and its listeners hear each transition at once, on the
 * scheduler thread, with the cause and the latency of the result that caused it.
 *
 * <p>Between transitions {@link #current()} keeps the status but shows the latest result's detail,
 * e.g. {@code UP (failing 1 of 3: connection refused)}.
 */
public interface ScheduledProbe extends HealthSource, AutoCloseable {

  /** The timing and counting this probe runs with. */
  CheckSchedule schedule();

  /** The latest result, empty before the first run completes. */
  Optional<ProbeResult> lastResult();

  /** Successes, failures by reason and latency since the probe started; from any thread. */
  ProbeStats stats();

  /**
   * Stops scheduling runs and cancels the one in flight; the status stays as it was. Idempotent.
   */
  @Override
  void close();
}
