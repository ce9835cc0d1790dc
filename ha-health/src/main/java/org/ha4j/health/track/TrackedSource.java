package org.ha4j.health.track;

import java.util.Objects;
import org.ha4j.core.health.HealthSource;

/**
 * A health source and the weight a VRRP instance tracks it with: exactly the two arguments of
 * {@code VrrpInstance.Builder.track(HealthSource source, int weight)}.
 *
 * @param source what to follow
 * @param weight keepalived semantics: 0 = FAULT while DOWN; &gt; 0 added while UP; &lt; 0 added
 *     while DOWN
 */
public record TrackedSource(HealthSource source, int weight) {

  public TrackedSource {
    Objects.requireNonNull(source, "source");
    VrrpScript.requireWeight(weight);
  }

  /**
   * keepalived's {@code reverse}: the same weight applied in the other direction (added while the
   * source is DOWN for a positive weight, while it is UP for a negative one).
   */
  public TrackedSource reversed() {
    return new TrackedSource(
        source instanceof ReversedSource r ? r.unwrap() : new ReversedSource(source), weight);
  }
}
