package org.ha4j.health.track;

import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.health.HealthStatus;

/**
 * keepalived's {@code weight W reverse}: the tracked object counts as up while it fails and down
 * while it succeeds, so the weight applies in the other direction ({@code vrrp_track.c}, the
 * multiplier of -1). A view, not a copy: it follows its source at once.
 */
final class ReversedSource implements HealthSource {

  private final HealthSource source;

  ReversedSource(HealthSource source) {
    this.source = source;
  }

  HealthSource unwrap() {
    return source;
  }

  static Health flip(Health health) {
    HealthStatus flipped = health.isUp() ? HealthStatus.DOWN : HealthStatus.UP;
    return new Health(flipped, "reversed: " + health, health.latency());
  }

  @Override
  public String name() {
    return source.name() + " (reversed)";
  }

  @Override
  public Health current() {
    return flip(source.current());
  }

  @Override
  public Subscription subscribe(org.ha4j.core.health.HealthListener listener) {
    return source.subscribe(
        (s, previous, current) -> listener.onHealthChanged(this, flip(previous), flip(current)));
  }

  @Override
  public String toString() {
    return name() + "=" + current();
  }
}
