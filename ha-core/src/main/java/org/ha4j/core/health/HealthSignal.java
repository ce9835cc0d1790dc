package org.ha4j.core.health;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HealthSource} the application sets by hand: {@code signal.down("database overloaded")}.
 * Also the base other sources in ha4j build on, so every source notifies its listeners the same
 * way.
 *
 * <p>Thread-safe. Transitions are queued under this object's lock and told to the listeners outside
 * it by one thread at a time, so listeners hear them in order and never concurrently (see {@link
 * HealthListener}), and a listener that blocks holds up only the thread telling them: a reading set
 * meanwhile is stored at once and its transition heard after, on the telling thread. Setting the
 * status it already has notifies no one.
 */
public class HealthSignal implements HealthSource {

  private static final Logger log = LoggerFactory.getLogger(HealthSignal.class);

  private final String name;
  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Health current;

  /** Transitions not yet told to the listeners; guarded by this. */
  private final ArrayDeque<Transition> untold = new ArrayDeque<>();

  /** Whether a thread is telling the listeners now; guarded by this. */
  private boolean telling;

  private record Transition(Health previous, Health current) {}

  public HealthSignal(String name, Health initial) {
    this.name = Objects.requireNonNull(name, "name");
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /** A signal that starts {@code UP}. */
  public static HealthSignal up(String name) {
    return new HealthSignal(name, Health.up());
  }

  /** A signal that starts {@code DOWN} with the given cause. */
  public static HealthSignal down(String name, String cause) {
    return new HealthSignal(name, Health.down(cause));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Health current() {
    return current;
  }

  public void up() {
    set(Health.up());
  }

  public void down(String cause) {
    set(Health.down(cause));
  }

  /**
   * Records a reading; listeners are told only when the status changes. A reading with the same
   * status still replaces the stored one, so {@link #current()} shows the latest cause and latency.
   */
  public void set(Health next) {
    Objects.requireNonNull(next, "next");
    synchronized (this) {
      Health previous = current;
      current = next;
      if (previous.status() == next.status()) {
        return;
      }
      untold.add(new Transition(previous, next));
      if (telling) {
        return; // the thread telling now tells this one too, after the ones before it
      }
      telling = true;
    }
    tellUntold();
  }

  private void tellUntold() {
    boolean done = false;
    try {
      while (true) {
        Transition transition;
        synchronized (this) {
          transition = untold.poll();
          if (transition == null) {
            telling = false;
            done = true;
            return;
          }
        }
        for (HealthListener listener : listeners) {
          try {
            listener.onHealthChanged(this, transition.previous(), transition.current());
          } catch (RuntimeException e) {
            log.warn(
                "health listener {} failed on {} -> {}", listener, name, transition.current(), e);
          }
        }
      }
    } finally {
      if (!done) {
        synchronized (this) {
          telling = false; // an Error out of a listener: the next set() tells what is left
        }
      }
    }
  }

  @Override
  public Subscription subscribe(HealthListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public String toString() {
    return name + "=" + current;
  }
}
