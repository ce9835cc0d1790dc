package org.ha4j.health;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a probe runs and how its results are counted: keepalived's {@code vrrp_script}
 * timing ({@code interval}, {@code timeout}, {@code rise}, {@code fall}, {@code init_fail}) plus
 * optional jitter. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults are keepalived's ({@code vrrp_data.c}): interval 1 s, timeout = interval, rise 1,
 * fall 1, assumed UP before the first result, no jitter.
 *
 * @param interval from one run's start to the next one's, more than 0
 * @param timeout how long a run may take before it counts as failed, more than 0
 * @param rise consecutive successes to go UP, 1 to {@value #MAX_COUNT}
 * @param fall consecutive failures to go DOWN, 1 to {@value #MAX_COUNT}
 * @param jitter each delay is moved by a random amount in [-jitter, +jitter]; 0 to less than
 *     interval
 * @param initiallyDown the status before the first result (keepalived's {@code init_fail})
 */
public record CheckSchedule(
    Duration interval,
    Duration timeout,
    int rise,
    int fall,
    Duration jitter,
    boolean initiallyDown) {

  /** The largest rise or fall accepted; keepalived stores them in an int, nobody needs more. */
  public static final int MAX_COUNT = 1_000_000;

  /**
   * Every run gets at least this much time: a shorter timer cannot be honoured by a real scheduler.
   */
  public static final Duration MIN_DURATION = Duration.ofMillis(1);

  public CheckSchedule {
    requirePositive("interval", interval);
    requirePositive("timeout", timeout);
    requireCount("rise", rise);
    requireCount("fall", fall);
    Objects.requireNonNull(jitter, "jitter");
    if (jitter.isNegative() || jitter.compareTo(interval) >= 0) {
      throw new IllegalArgumentException(
          "jitter must be >= 0 and less than the interval " + interval + ", got " + jitter);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** keepalived's defaults: every second, timeout one second, rise 1, fall 1. */
  public static CheckSchedule defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return new Builder()
        .interval(interval)
        .timeout(timeout)
        .rise(rise)
        .fall(fall)
        .jitter(jitter)
        .initiallyDown(initiallyDown);
  }

  static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(MIN_DURATION) < 0) {
      throw new IllegalArgumentException(
          name + " must be at least " + MIN_DURATION.toMillis() + " ms, got " + value);
    }
  }

  static void requireCount(String name, int value) {
    if (value < 1 || value > MAX_COUNT) {
      throw new IllegalArgumentException(name + " must be 1-" + MAX_COUNT + ", got " + value);
    }
  }

  /**
   * Builds a {@link CheckSchedule}; a timeout left unset follows the interval, as in keepalived.
   */
  public static final class Builder {
    private Duration interval = Duration.ofSeconds(1);
    private Duration timeout;
    private int rise = 1;
    private int fall = 1;
    private Duration jitter = Duration.ZERO;
    private boolean initiallyDown;

    private Builder() {}

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    public Builder jitter(Duration jitter) {
      this.jitter = jitter;
      return this;
    }

    public Builder initiallyDown(boolean initiallyDown) {
      this.initiallyDown = initiallyDown;
      return this;
    }

    public CheckSchedule build() {
      return new CheckSchedule(
          interval, timeout == null ? interval : timeout, rise, fall, jitter, initiallyDown);
    }
  }
}
