/**
 * Health probes and the scheduler that turns their results into {@link
 * org.ha4j.core.health.HealthSource}s.
 *
 * <ul>
 *   <li>SPI: {@link org.ha4j.health.Probe} (blocking) and {@link org.ha4j.health.AsyncProbe}
 *       (completes on its own), both returning a {@link org.ha4j.health.ProbeResult}.
 *   <li>Built-ins: {@link org.ha4j.health.Probes} lists them all; they live in {@code net} (TCP,
 *       HTTP) and {@code os} (exec, process, pid file, /proc resources).
 *   <li>Scheduling: {@link org.ha4j.health.HealthChecks} runs probes on one shared scheduler with
 *       keepalived's interval, timeout and rise/fall ({@link org.ha4j.health.RiseFallCounter},
 *       pure); each {@link org.ha4j.health.ScheduledProbe} is a {@code HealthSource}.
 *   <li>keepalived {@code vrrp_script} and {@code --track-script}: {@code track}.
 * </ul>
 */
package org.ha4j.health;
