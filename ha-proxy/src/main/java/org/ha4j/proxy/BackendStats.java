package org.ha4j.proxy;

/**
 * A snapshot of one backend's counters.
 *
 * @param server the configured address
 * @param weight the current weight
 * @param active sessions in progress (including connection attempts)
 * @param picks times the balancer chose it
 * @param sessions sessions that connected to it
 * @param connectFailures connection attempts that failed or timed out
 * @param bytesSent bytes sent to it
 * @param bytesReceived bytes received from it
 * @param connectNanos time spent connecting to it, summed over the {@code sessions} connects that
 *     succeeded: their mean is {@code connectNanos / sessions}
 * @param usable whether it could take a session now (not down, draining, unhealthy, failed out or
 *     full)
 * @param healthy the verdict of its active health check (true without one)
 * @param draining whether it is draining
 */
public record BackendStats(
    String server,
    int weight,
    int active,
    long picks,
    long sessions,
    long connectFailures,
    long bytesSent,
    long bytesReceived,
    long connectNanos,
    boolean usable,
    boolean healthy,
    boolean draining) {}
