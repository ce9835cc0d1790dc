package org.ha4j.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * One health reading: up or down, why, and how long the check that produced it took.
 *
 * @param status up or down
 * @param cause a human-readable reason, never null ("" when there is nothing to say)
 * @param latency how long the reading took to obtain; {@link Duration#ZERO} for pushed signals
 */
public record Health(HealthStatus status, String cause, Duration latency) {

  private static final Health UP = new Health(HealthStatus.UP, "", Duration.ZERO);

  public Health {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must be >= 0, got " + latency);
    }
  }

  public static Health up() {
    return UP;
  }

  public static Health up(String cause) {
    return new Health(HealthStatus.UP, cause, Duration.ZERO);
  }

  public static Health down(String cause) {
    return new Health(HealthStatus.DOWN, cause, Duration.ZERO);
  }

  public boolean isUp() {
    return status == HealthStatus.UP;
  }

  public Health withLatency(Duration newLatency) {
    return new Health(status, cause, newLatency);
  }

  @Override
  public String toString() {
    return cause.isEmpty() ? status.name() : status + " (" + cause + ")";
  }
}
