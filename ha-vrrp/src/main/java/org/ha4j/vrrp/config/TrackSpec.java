package org.ha4j.vrrp.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A {@code track_script} or {@code track_interface} entry: what to track and, optionally, the
 * weight that overrides the tracked object's own.
 *
 * @param name the script's or interface's name
 * @param weight the override, if written ({@code check_nginx weight -20})
 */
public record TrackSpec(String name, OptionalInt weight) {

  public TrackSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(weight, "weight");
  }
}
