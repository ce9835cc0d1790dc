package org.ha4j.health;

import org.ha4j.core.health.HealthStatus;

/**
 * keepalived's rise/fall counter for a tracked script, as a pure value machine: feed it results,
 * read the status. No clock, no threads.
 *
 * <p>keepalived keeps one counter running from 0 to {@code rise + fall - 1} and flips the state
 * only at its edges (keepalived {@code vrrp_scheduler.c}, {@code vrrp_script_child_thread()}):
 * while UP, a success refills it to the top and {@code fall} consecutive failures take it down to 0
 * (DOWN); while DOWN, {@code rise} consecutive successes take it to the top (UP) and any failure
 * resets it to 0. It starts at {@code rise - 1}, one step below UP and one above DOWN, so <em>the
 * first result decides</em> the state whatever rise and fall are ({@code vrrp_init_script()}).
 *
 * <p>Before the first result the status is the assumed initial one: UP, or DOWN for keepalived's
 * {@code init_fail}.
 */
public final class RiseFallCounter {

  private final int rise;
  private final int fall;
  private int counter;
  private HealthStatus status;
  private boolean decided;

  /**
   * @param rise consecutive successes that bring a DOWN check UP, 1 or more
   * @param fall consecutive failures that bring an UP check DOWN, 1 or more
   * @param initiallyDown the status assumed before the first result (keepalived's {@code
   *     init_fail})
   */
  public RiseFallCounter(int rise, int fall, boolean initiallyDown) {
    CheckSchedule.requireCount("rise", rise);
    CheckSchedule.requireCount("fall", fall);
    this.rise = rise;
    this.fall = fall;
    this.counter = rise - 1;
    this.status = initiallyDown ? HealthStatus.DOWN : HealthStatus.UP;
  }

  /** Records one result and returns the status after it. */
  public HealthStatus record(boolean ok) {
    int top = rise + fall - 1;
    if (!decided) {
      // The counter starts at rise - 1, one step from either edge: the first result decides.
      decided = true;
      counter = ok ? top : 0;
      status = ok ? HealthStatus.UP : HealthStatus.DOWN;
    } else if (ok) {
      if (counter < rise - 1) {
        counter++;
      } else {
        if (counter == rise - 1) {
          status = HealthStatus.UP;
        }
        counter = top;
      }
    } else {
      if (counter > rise) {
        counter--;
      } else {
        if (counter == rise) {
          status = HealthStatus.DOWN;
        }
        counter = 0;
      }
    }
    return status;
  }

  public HealthStatus status() {
    return status;
  }

  /** True once a result has been recorded. */
  public boolean decided() {
    return decided;
  }

  /** keepalived's counter value, 0 to {@code rise + fall - 1}; for status output and tests. */
  public int counter() {
    return counter;
  }

  @Override
  public String toString() {
    return status + " " + counter + "/" + (rise + fall - 1);
  }
}
