/**
 * The TCP load balancer on Netty: listeners, upstreams, balancing strategies, splice and copy relays, access log. Arrives with the proxy issue.
 */
package org.ha4j.proxy;
