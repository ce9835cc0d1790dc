package org.ha4j.core.health;

/**
 * Anything whose health can decide a failover or gate a backend: a probe, a proxy (listener bound
 * and a backend available), or a signal an application sets itself.
 *
 * <p>Sources push: a VRRP instance or a proxy backend {@linkplain #subscribe subscribes} and hears
 * a transition the moment it happens, rather than polling.
 */
public interface HealthSource {

  /** A short name for logs and status output, e.g. {@code check_nginx} or {@code proxy:8080}. */
  String name();

  /** The latest reading; never null. */
  Health current();

  /**
   * Adds a listener for future transitions (the current reading is available from {@link
   * #current()}).
   *
   * @return a handle whose {@code close()} removes the listener
   */
  Subscription subscribe(HealthListener listener);

  /** Removes a listener added with {@link #subscribe}; closing twice does nothing. */
  @FunctionalInterface
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
