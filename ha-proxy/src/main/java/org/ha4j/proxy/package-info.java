/**
 * The TCP load balancer on Netty: {@link org.ha4j.proxy.Proxy} (listeners, sessions, access rules,
 * limits, access log, graceful stop; a {@link org.ha4j.core.health.HealthSource}), {@link
 * org.ha4j.proxy.Upstream} (servers, runtime changes, health tracking) and the two relays (copy,
 * splice). Balancing lives in {@code org.ha4j.proxy.balance}, the splice(2) engine in {@code
 * org.ha4j.proxy.splice}.
 */
package org.ha4j.proxy;
