package org.ha4j.node.metrics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** The running objects a source gives, each {@link Followed} under its name across reloads. */
final class FollowedByName<T> {

  private final Supplier<? extends Collection<? extends T>> source;
  private final Function<T, String> name;
  private final Map<String, Followed<T>> byName = new LinkedHashMap<>();

  FollowedByName(Supplier<? extends Collection<? extends T>> source, Function<T, String> name) {
    this.source = Objects.requireNonNull(source, "source");
    this.name = name;
  }

  /** Reads the source: follows replaced objects, forgets gone ones; the names running now. */
  synchronized Set<String> update() {
    Map<String, T> now = new LinkedHashMap<>();
    for (T t : source.get()) {
      now.put(name.apply(t), t);
    }
    byName.keySet().retainAll(now.keySet());
    now.forEach(
        (n, t) -> {
          Followed<T> followed = byName.get(n);
          if (followed == null) {
            byName.put(n, new Followed<>(t));
          } else {
            followed.follow(t);
          }
        });
    return new LinkedHashSet<>(now.keySet());
  }

  synchronized Followed<T> get(String n) {
    return byName.get(n);
  }
}
