package org.ha4j.proxy;

/**
 * A snapshot of one listener's counters.
 *
 * @param address the bound address, e.g. {@code 127.0.0.1:8080}
 * @param accepted connections accepted
 * @param active sessions in progress
 * @param byStatus200 sessions ended with status 200
 * @param forbidden sessions refused by an access rule (403)
 * @param unavailable sessions refused by a connection limit (503)
 * @param badGateway sessions ended because no server could be reached (502)
 * @param bytesReceived bytes received from clients
 * @param bytesSent bytes sent to clients
 * @param acceptFailures accept() calls that failed, e.g. with the process out of file descriptors
 * @param ended sessions ended, whatever their status
 * @param sessionNanos how long the ended sessions lasted, in total, from accept to the end
 */
public record ListenerStats(
    String address,
    long accepted,
    int active,
    long byStatus200,
    long forbidden,
    long unavailable,
    long badGateway,
    long bytesReceived,
    long bytesSent,
    long acceptFailures,
    long ended,
    long sessionNanos) {}
