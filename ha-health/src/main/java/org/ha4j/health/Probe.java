package org.ha4j.health;

/**
 * The probe SPI for a check that blocks: look at something and say whether it is healthy.
 *
 * <pre>{@code
 * Probe database = context -> pool.isHealthy()
 *         ? ProbeResult.ok()
 *         : ProbeResult.failed("pool has " + pool.idle() + " idle connections");
 * }</pre>
 *
 * <p>Contract: runs on the bounded blocking executor of {@link HealthChecks}, never on the
 * scheduler thread, and never twice at once for one scheduled probe. It should honour {@link
 * ProbeContext#timeout()}; when the timeout passes the scheduler records a failure and interrupts
 * the thread. A probe that throws is a failure whose cause names the exception. Wrap it with {@link
 * AsyncProbe#blocking(Probe)} (the scheduler does that for you) to use it wherever an {@link
 * AsyncProbe} is expected.
 */
@FunctionalInterface
public interface Probe {

  ProbeResult check(ProbeContext context) throws Exception;
}
