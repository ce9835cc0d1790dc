package org.ha4j.vrrp.protocol;

import java.util.Objects;

/**
 * A health input the router tracks, with keepalived's weight semantics ({@code track_script},
 * {@code track_interface}, ... in keepalived.conf(5)):
 *
 * <ul>
 *   <li>{@code weight > 0}: added to the priority while the input is UP;
 *   <li>{@code weight < 0}: added (so subtracted) while the input is DOWN;
 *   <li>{@code weight == 0} (keepalived's default): the router goes to FAULT while the input is
 *       DOWN.
 * </ul>
 *
 * @param name unique within one router, e.g. {@code check_nginx}
 * @param weight -253..253, keepalived's range
 */
public record TrackedInput(String name, int weight) {

  /** keepalived's limit for a tracker weight (keepalived.conf(5), track_script). */
  public static final int MAX_WEIGHT = 253;

  public TrackedInput {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tracked input name must not be blank");
    }
    if (weight < -MAX_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be -253..253, got " + weight + " for " + name);
    }
  }

  /**
   * A weight-0 input: DOWN means FAULT. What a keepalived {@code track_script} without weight does.
   */
  public static TrackedInput faultWhenDown(String name) {
    return new TrackedInput(name, 0);
  }

  /** Whether this input, when DOWN, puts the router in FAULT instead of changing its priority. */
  public boolean faultsWhenDown() {
    return weight == 0;
  }
}
