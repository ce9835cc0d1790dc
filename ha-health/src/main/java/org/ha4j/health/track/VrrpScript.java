package org.ha4j.health.track;

import java.time.Duration;
import java.util.Objects;
import org.ha4j.core.config.CommandLine;
import org.ha4j.health.CheckSchedule;

/**
 * keepalived's {@code vrrp_script} block as a value: what the keepalived.conf loader produces for
 *
 * <pre>
 * vrrp_script check_nginx {
 *     script "/etc/nginx/check_nginx.sh"
 *     interval 2
 *     timeout 1
 *     weight -20
 *     rise 2
 *     fall 3
 * }
 * </pre>
 *
 * and what {@code ./ha4j node --track-script ...} flags produce. Defaults are keepalived's ({@code
 * vrrp_data.c}): interval 1 s, timeout = interval, weight 0, rise 1, fall 1, no {@code init_fail}.
 * A weight of 0, keepalived's default, means the instance goes to FAULT while the script fails; any
 * other weight is added to the priority while the script succeeds (positive) or fails (negative).
 *
 * @param name the block's name ({@code check_nginx}); the tracked source's name
 * @param script the command line, split into words as keepalived does ({@link CommandLine})
 * @param interval keepalived {@code interval}: start to start, at least 1 ms
 * @param timeout keepalived {@code timeout}: at least 1 ms
 * @param weight keepalived {@code weight}: {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}
 * @param rise keepalived {@code rise}: 1 or more
 * @param fall keepalived {@code fall}: 1 or more
 * @param initFail keepalived {@code init_fail}: assume failed until the first result
 * @param reverse keepalived {@code weight W reverse}: apply the weight in the other direction
 */
public record VrrpScript(
    String name,
    String script,
    Duration interval,
    Duration timeout,
    int weight,
    int rise,
    int fall,
    boolean initFail,
    boolean reverse) {

  /**
   * keepalived's weight range for {@code vrrp_script} and {@code track_script} ({@code
   * vrrp_track.h}).
   */
  public static final int MIN_WEIGHT = -253;

  public static final int MAX_WEIGHT = 253;

  public VrrpScript {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a vrrp_script needs a name");
    }
    Objects.requireNonNull(script, "script");
    CommandLine.split(
        script); // an empty line or an unterminated quote is rejected here, not at run time
    requireWeight(weight);
    // Validates interval, timeout, rise and fall with the scheduler's own rules and messages.
    CheckSchedule.builder().interval(interval).timeout(timeout).rise(rise).fall(fall).build();
  }

  static void requireWeight(int weight) {
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be " + MIN_WEIGHT + " to " + MAX_WEIGHT + ", got " + weight);
    }
  }

  public static Builder builder(String name, String script) {
    return new Builder(name, script);
  }

  /** The scheduler timing and counting this script runs with. */
  public CheckSchedule schedule() {
    return CheckSchedule.builder()
        .interval(interval)
        .timeout(timeout)
        .rise(rise)
        .fall(fall)
        .initiallyDown(initFail)
        .build();
  }

  /** Builds a {@link VrrpScript}; a timeout left unset follows the interval, as in keepalived. */
  public static final class Builder {
    private final String name;
    private final String script;
    private Duration interval = Duration.ofSeconds(1);
    private Duration timeout;
    private int weight;
    private int rise = 1;
    private int fall = 1;
    private boolean initFail;
    private boolean reverse;

    private Builder(String name, String script) {
      this.name = name;
      this.script = script;
    }

    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder weight(int weight) {
      this.weight = weight;
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

    public Builder initFail(boolean initFail) {
      this.initFail = initFail;
      return this;
    }

    public Builder reverse(boolean reverse) {
      this.reverse = reverse;
      return this;
    }

    public VrrpScript build() {
      return new VrrpScript(
          name,
          script,
          interval,
          timeout == null ? interval : timeout,
          weight,
          rise,
          fall,
          initFail,
          reverse);
    }
  }
}
