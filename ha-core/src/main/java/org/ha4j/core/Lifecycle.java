package org.ha4j.core;

/**
 * Something that runs between {@link #start()} and {@link #stop()}: a VRRP instance, a proxy, a
 * probe scheduler, a whole node.
 *
 * <p>Contract shared by every implementation:
 *
 * <ul>
 *   <li>{@code start()} is called at most once; it either leaves the component running or throws
 *       and leaves nothing behind (no thread, socket or address acquired half-way).
 *   <li>{@code stop()} is graceful and idempotent: it releases what was acquired in the reverse
 *       order (a VRRP master resigns before removing its addresses; a proxy drains before closing).
 *   <li>{@code close()} is {@code stop()}, so a component works in try-with-resources.
 * </ul>
 */
public interface Lifecycle extends AutoCloseable {

  /** Acquires resources and begins work. */
  void start() throws Exception;

  /** Ends work gracefully; calling it again, or before {@code start()}, does nothing. */
  void stop();

  @Override
  default void close() {
    stop();
  }
}
