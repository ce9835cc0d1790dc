/**
 * The one driver of the VRRP state machine: {@link org.ha4j.vrrp.driver.VrrpDriver} feeds it inputs
 * and performs the actions it returns through ports (adverts out, the VIP table, address
 * announcements, notifications) and a {@link org.ha4j.core.time.Scheduler} (ticker and timers).
 *
 * <p>The Linux instance ({@link org.ha4j.vrrp.VrrpInstance}) and the seeded simulation ({@link
 * org.ha4j.vrrp.simulation.VirtualLan}) are both adapters of these ports, so the simulation runs
 * the driver that ships. Warm-ups and test hooks are not part of the ports.
 */
package org.ha4j.vrrp.driver;
