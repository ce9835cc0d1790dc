/**
 * VRRP routers on a virtual LAN in virtual time, with seeded loss, delay, duplication and
 * partitions, and invariants checked after every event (Kafka's {@code RaftEventSimulationTest},
 * for VRRP).
 *
 * <p>Main code, not a test fixture, because {@code ./ha4j simulate} runs it and because any
 * module's tests can reuse it: {@link org.ha4j.vrrp.simulation.VirtualLan} is the LAN, {@link
 * org.ha4j.vrrp.simulation.SimulatedRouter} a host on it, {@link org.ha4j.vrrp.simulation.Timeline}
 * a readable log, and {@link org.ha4j.vrrp.simulation.RandomFaultScenario} a whole random run from
 * a seed.
 */
package org.ha4j.vrrp.simulation;
