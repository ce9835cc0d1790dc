package org.ha4j.node.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The object that runs now under one name: a reload may replace it (a VRRP instance started again,
 * a changed {@code vrrp_script}) while its series stay. Counters read through {@link #counter}
 * carry on from the value the replaced object had reached, so that a Prometheus counter of a name
 * that stayed never goes back.
 */
final class Followed<T> {

  private T current;
  private final List<Carried<T>> carried = new ArrayList<>();

  Followed(T first) {
    current = Objects.requireNonNull(first, "first");
  }

  synchronized void follow(T next) {
    if (next == current) {
      return;
    }
    for (Carried<T> c : carried) {
      c.base += c.value.applyAsDouble(current);
    }
    current = next;
  }

  synchronized double read(ToDoubleFunction<T> value) {
    return value.applyAsDouble(current);
  }

  /** A reading of {@code value} that adds what the objects replaced so far had counted. */
  synchronized ToDoubleFunction<Followed<T>> counter(ToDoubleFunction<T> value) {
    Carried<T> c = new Carried<>(value);
    carried.add(c);
    return f -> f.readCarried(c);
  }

  private synchronized double readCarried(Carried<T> c) {
    return c.base + c.value.applyAsDouble(current);
  }

  private static final class Carried<T> {
    final ToDoubleFunction<T> value;
    double base;

    Carried(ToDoubleFunction<T> value) {
      this.value = value;
    }
  }
}
