package org.ha4j.vrrp.driver;

/**
 * Port: whether adverts may have arrived that the driver has not heard yet: a packet waiting in the
 * socket, one in the receiver thread's hands, or one queued for the driver's thread. After a pause
 * of the whole process both threads resume together and an overdue Master_Down_Timer runs before
 * the adverts that came meanwhile; asked when that timer runs, so a healthy master is not taken
 * over from.
 */
@FunctionalInterface
public interface UnheardAdverts {

  /** Never any: a driver fed inputs directly, as tests and the simulation do. */
  UnheardAdverts NONE = () -> false;

  /** Called on the driver's thread when the Master_Down_Timer runs: must not block. */
  boolean pending();
}
