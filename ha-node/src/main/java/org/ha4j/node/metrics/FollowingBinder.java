package org.ha4j.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A binder with one group of series per named running object (an instance, a probe), kept in line
 * with its source at each {@link #refresh()}.
 */
abstract class FollowingBinder<T> implements RefreshableMeterBinder {

  private final FollowedByName<T> running;
  private final MeterGroups<String> groups;

  FollowingBinder(Supplier<? extends Collection<? extends T>> source, Function<T, String> name) {
    this.running = new FollowedByName<>(source, name);
    this.groups =
        new MeterGroups<>(running::update, (meters, n) -> register(meters, n, running.get(n)));
  }

  /** Registers the series of the object running under {@code name}. */
  abstract void register(Meters meters, String name, Followed<T> object);

  @Override
  public final void bindTo(MeterRegistry registry) {
    groups.bindTo(registry);
  }

  @Override
  public final void refresh() {
    groups.sync();
  }
}
