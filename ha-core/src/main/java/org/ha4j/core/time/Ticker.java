package org.ha4j.core.time;

/**
 * A monotonic clock in nanoseconds, injected wherever code needs "now" so tests can substitute
 * virtual time. Values are only meaningful relative to each other, like {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

  long nanoTime();

  /** The JVM's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
