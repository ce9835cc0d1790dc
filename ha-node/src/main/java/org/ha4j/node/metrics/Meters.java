package org.ha4j.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Registers function meters in one registry and remembers them, so that they can be removed
 * together. The counters and timers hold {@code source} weakly, as Micrometer's function meters do:
 * the binder keeps it.
 */
final class Meters {

  private final MeterRegistry registry;
  private final List<Meter> registered = new ArrayList<>();

  Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  List<Meter> registered() {
    return List.copyOf(registered);
  }

  <T> void gauge(String name, String description, Tags tags, T source, ToDoubleFunction<T> value) {
    registered.add(
        Gauge.builder(name, source, value)
            .description(description)
            .tags(tags)
            .strongReference(true)
            .register(registry));
  }

  <T> void counter(
      String name,
      String description,
      Tags tags,
      String baseUnit,
      T source,
      ToDoubleFunction<T> value) {
    registered.add(
        FunctionCounter.builder(name, source, value)
            .description(description)
            .tags(tags)
            .baseUnit(baseUnit)
            .register(registry));
  }

  <T> void timer(
      String name,
      String description,
      Tags tags,
      T source,
      ToDoubleFunction<T> count,
      ToDoubleFunction<T> totalNanos) {
    registered.add(
        FunctionTimer.builder(
                name, source, s -> (long) count.applyAsDouble(s), totalNanos, TimeUnit.NANOSECONDS)
            .description(description)
            .tags(tags)
            .register(registry));
  }
}
