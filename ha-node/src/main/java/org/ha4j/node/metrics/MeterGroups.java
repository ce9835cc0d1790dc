package org.ha4j.node.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One group of meters per key (a listener, a server, an instance, a probe) in every registry bound,
 * for exactly the keys the source gives at the last {@link #sync()}: a reload adds and removes
 * keys, and the registry must not keep reporting what no longer runs.
 */
final class MeterGroups<K> {

  private final Supplier<? extends Collection<K>> keys;
  private final BiConsumer<Meters, K> registrar;
  private final Map<MeterRegistry, Map<K, List<Meter>>> bound = new LinkedHashMap<>();

  /**
   * @param keys what runs now, read at each sync
   * @param registrar registers one key's meters
   */
  MeterGroups(Supplier<? extends Collection<K>> keys, BiConsumer<Meters, K> registrar) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.registrar = Objects.requireNonNull(registrar, "registrar");
  }

  synchronized void bindTo(MeterRegistry registry) {
    bound.putIfAbsent(registry, new LinkedHashMap<>());
    sync();
  }

  synchronized void sync() {
    Set<K> now = new LinkedHashSet<>(keys.get());
    bound.forEach(
        (registry, groups) -> {
          groups
              .entrySet()
              .removeIf(
                  group -> {
                    if (now.contains(group.getKey())) {
                      return false;
                    }
                    group.getValue().forEach(registry::remove);
                    return true;
                  });
          for (K key : now) {
            if (!groups.containsKey(key)) {
              Meters meters = new Meters(registry);
              registrar.accept(meters, key);
              groups.put(key, meters.registered());
            }
          }
        });
  }
}
