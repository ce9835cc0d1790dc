package org.ha4j.vrrp.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;

/**
 * A read-only view of a router's protocol state at one instant.
 *
 * @param state the current state
 * @param basePriority the configured priority
 * @param effectivePriority the priority advertised and compared: base plus tracked weights, 1-254
 *     (255 for the owner)
 * @param masterAddress the master's primary address when known: this router's own in MASTER, the
 *     last accepted advertiser in BACKUP; empty otherwise
 * @param masterPriority the priority that master last advertised, or -1 when unknown
 * @param holdsVirtualAddresses whether the virtual addresses are (asked to be) on the interface
 * @param interfaceUp the last reported interface state
 * @param trackedHealth the last reported state of each tracked input (UP until told otherwise)
 * @param lastTransitionNanos when the state last changed, on the caller's clock (0 before the
 *     first)
 * @param masterAdverInterval RFC 9568's Master_Adver_Interval: under VRRPv3, the interval a backup
 *     learnt from the master's adverts (its own until it heard one); under VRRPv2, always its own
 * @param acceptsVirtualAddressTraffic whether packets addressed to the virtual addresses should be
 *     accepted now: as MASTER, when this router owns them or has Accept_Mode (RFC 9568 §6.4.3). For
 *     a driver to enforce; the Linux instance does it with an nftables table (NoAcceptFilter)
 */
public record VrrpSnapshot(
    VrrpState state,
    int basePriority,
    int effectivePriority,
    Optional<Ipv4Address> masterAddress,
    int masterPriority,
    boolean holdsVirtualAddresses,
    boolean interfaceUp,
    Map<String, HealthStatus> trackedHealth,
    long lastTransitionNanos,
    Duration masterAdverInterval,
    boolean acceptsVirtualAddressTraffic) {

  public VrrpSnapshot {
    trackedHealth = Map.copyOf(trackedHealth);
  }
}
