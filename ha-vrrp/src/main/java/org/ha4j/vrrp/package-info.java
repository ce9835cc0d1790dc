/**
 * VRRPv2 (RFC 3768) for the JVM.
 *
 * <ul>
 *   <li>{@code codec}: the advertisement as values, its encoder and its validating decoder.
 *   <li>{@code protocol}: the pure state machine, {@code (now, input) -> actions}; no I/O, no
 *       clock.
 *   <li>{@code driver}: the one driver that performs those actions through ports (adverts, VIP
 *       table, address announcer, notifier, scheduler); Linux and the simulation are its adapters.
 *   <li>{@code net}: the Linux adapters: raw-socket transport, VIPs through netlink, gratuitous
 *       ARP, and the takeover rehearsal run at start-up.
 *   <li>{@code simulation}: routers on a virtual LAN in virtual time, with seeded faults and
 *       invariants.
 * </ul>
 */
package org.ha4j.vrrp;
