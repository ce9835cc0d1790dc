package org.ha4j.vrrp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;

/**
 * Everything a {@link VrrpInstance.Builder} collected, frozen: what an instance starts with, and
 * what a reconfigure swaps in whole.
 *
 * @param protocol validated at build time with a placeholder primary address; the real one is read
 *     at start
 * @param ipv6 an IPv6 instance's addresses (the protocol then runs on their stand-ins, {@link
 *     Ipv6StandIns}); null for an IPv4 instance
 */
record InstanceSettings(
    String name,
    String interfaceName,
    VrrpRouterConfig protocol,
    List<VirtualAddress> virtualAddresses,
    List<VirtualAddress> excludedAddresses,
    Ipv4Address unicastSource,
    List<Ipv4Address> unicastPeers,
    Map<HealthSource, Integer> tracked,
    Map<String, Integer> trackedInterfaces,
    List<VrrpListener> listeners,
    NotifyScripts notifyScripts,
    VrrpSyncGroup syncGroup,
    Ipv6Ports.Settings ipv6) {

  InstanceSettings {
    virtualAddresses = List.copyOf(virtualAddresses);
    excludedAddresses = List.copyOf(excludedAddresses);
    unicastPeers = List.copyOf(unicastPeers);
    // keeps the builder's order: the FAULT cause named is the first tracked source down
    tracked = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tracked));
    trackedInterfaces =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trackedInterfaces));
    listeners = List.copyOf(listeners);
  }

  static InstanceSettings of(
      VrrpInstance.Builder b, String name, VrrpRouterConfig protocol, Ipv6Ports.Settings ipv6) {
    return new InstanceSettings(
        name,
        b.interfaceName,
        protocol,
        b.virtualAddresses,
        b.excludedAddresses,
        b.unicastSource,
        b.unicastPeers,
        b.tracked,
        b.trackedInterfaces,
        b.listeners,
        b.notifyScripts,
        b.syncGroup,
        ipv6);
  }

  /** The VIPs and the excluded addresses: both come and go with mastership. */
  List<VirtualAddress> heldAddresses() {
    return Stream.concat(virtualAddresses.stream(), excludedAddresses.stream()).toList();
  }

  /** The address family, part of the instance's identity on the LAN. */
  String family() {
    return ipv6 == null ? "IPv4" : "IPv6";
  }

  int basePriority() {
    return protocol.priority();
  }
}
