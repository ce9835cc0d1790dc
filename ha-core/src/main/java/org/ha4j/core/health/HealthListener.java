package org.ha4j.core.health;

/**
 * Hears the transitions of a {@link HealthSource}.
 *
 * <p>Contract: called on the thread that caused the transition (a probe's scheduler thread, a proxy
 * event loop, the application's own thread for a {@link HealthSignal}), or, when another thread is
 * already telling this source's listeners, on that thread right after; once per transition, in the
 * order the transitions happened, never concurrently for one source. It must return quickly and
 * must not block: hand slow work to another executor (one that blocks holds up the thread it runs
 * on, a proxy's event loop with all its sessions, though not the source's other readings). An
 * exception it throws is logged and swallowed, so one bad listener cannot stop the others from
 * hearing the change.
 */
@FunctionalInterface
public interface HealthListener {

  /**
   * @param source the source whose status changed
   * @param previous the reading before the transition
   * @param current the reading that caused it; {@code current.status() != previous.status()}
   */
  void onHealthChanged(HealthSource source, Health previous, Health current);
}
