package org.ha4j.vrrp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;

/**
 * What a reconfigure may change on a running instance, and what it did change, in words for the
 * log.
 */
final class InstanceReload {

  private InstanceReload() {}

  /** What {@code instance} (built by {@link VrrpInstance#builder()}) was built with. */
  static InstanceSettings settingsOf(VrrpInstance instance) {
    return ((DefaultVrrpInstance) instance).settings();
  }

  /**
   * The settings a running instance cannot adopt: its identity on the LAN and in its sync group.
   *
   * @throws IllegalArgumentException naming the first that differs and saying to restart
   */
  static void requireSameIdentity(InstanceSettings running, InstanceSettings next) {
    VrrpRouterConfig a = running.protocol();
    VrrpRouterConfig b = next.protocol();
    same("name", running.name(), next.name(), running);
    same("interface", running.interfaceName(), next.interfaceName(), running);
    same("virtual router id", a.virtualRouterId(), b.virtualRouterId(), running);
    same("VRRP version", a.version(), b.version(), running);
    same("address family", running.family(), next.family(), running);
    same("address owner (priority 255)", a.isAddressOwner(), b.isAddressOwner(), running);
    same(
        "sync group",
        running.syncGroup() == null ? null : running.syncGroup().name(),
        next.syncGroup() == null ? null : next.syncGroup().name(),
        running);
    if (running.ipv6() != null) {
      requireSameIpv6Addresses(running, running.ipv6(), next.ipv6());
    }
  }

  /**
   * An IPv6 instance's addresses: the protocol core runs on stand-ins numbered by position ({@link
   * Ipv6StandIns}), and the IPv6 sockets are bound to the source and peers, so a change to any of
   * them is adopted by a restart.
   */
  private static void requireSameIpv6Addresses(
      InstanceSettings running, Ipv6Ports.Settings was, Ipv6Ports.Settings now) {
    same("IPv6 virtual_ipaddress", was.virtual(), now.virtual(), running);
    same("IPv6 virtual_ipaddress_excluded", was.excluded(), now.excluded(), running);
    same("IPv6 unicast_src_ip", was.unicastSource(), now.unicastSource(), running);
    same("IPv6 unicast_peer", was.unicastPeers(), now.unicastPeers(), running);
  }

  private static void same(String field, Object was, Object now, InstanceSettings running) {
    if (!Objects.equals(was, now)) {
      throw new IllegalArgumentException(
          "("
              + running.name()
              + ") "
              + field
              + " changes from "
              + was
              + " to "
              + now
              + ": the instance must be restarted (stopped gracefully, then the new one started)");
    }
  }

  /** The adopted settings that differ, e.g. {@code priority 100 -> 110, VIPs +[..] -[..]}. */
  static String describeChanges(InstanceSettings was, InstanceSettings now) {
    List<String> changes = new ArrayList<>();
    VrrpRouterConfig a = was.protocol();
    VrrpRouterConfig b = now.protocol();
    change(changes, "priority", a, b, VrrpRouterConfig::priority);
    change(changes, "advert_int", a, b, VrrpRouterConfig::advertInterval);
    change(changes, "preempt", a, b, VrrpRouterConfig::preempt);
    change(changes, "preempt_delay", a, b, VrrpRouterConfig::preemptDelay);
    addresses(changes, "VIPs", was.virtualAddresses(), now.virtualAddresses());
    addresses(changes, "excluded", was.excludedAddresses(), now.excludedAddresses());
    change(changes, "track", was, now, InstanceSettings::tracked);
    change(changes, "track_interface", was, now, InstanceSettings::trackedInterfaces);
    change(changes, "unicast_src_ip", was, now, InstanceSettings::unicastSource);
    change(changes, "unicast_peer", was, now, InstanceSettings::unicastPeers);
    if (!a.authentication().equals(b.authentication())) {
      changes.add("authentication"); // never the password itself
    }
    change(changes, "garp_master_delay", a, b, VrrpRouterConfig::garpMasterDelay);
    change(changes, "garp_master_repeat", a, b, VrrpRouterConfig::garpMasterRepeat);
    change(changes, "garp_master_refresh", a, b, VrrpRouterConfig::garpMasterRefresh);
    change(changes, "garp_master_refresh_repeat", a, b, VrrpRouterConfig::garpMasterRefreshRepeat);
    change(changes, "lower_prio_no_advert", a, b, VrrpRouterConfig::advertiseOnLowerPriority);
    change(changes, "accept", a, b, VrrpRouterConfig::acceptMode);
    change(changes, "notify", was, now, InstanceSettings::notifyScripts);
    // listeners are code, rebuilt by each reload: only a different number is worth a line
    if (was.listeners().size() != now.listeners().size()) {
      changes.add("listeners " + was.listeners().size() + " -> " + now.listeners().size());
    }
    return changes.isEmpty() ? "nothing changed" : String.join(", ", changes);
  }

  private static <T> void change(
      List<String> changes, String keyword, T was, T now, Function<T, Object> field) {
    // compared as described: a reload builds new health sources, equal when named and weighted
    // alike
    String before = describe(field.apply(was));
    String after = describe(field.apply(now));
    if (!before.equals(after)) {
      changes.add(keyword + " " + before + " -> " + after);
    }
  }

  private static String describe(Object value) {
    if (value instanceof java.util.Map<?, ?> map) {
      StringBuilder text = new StringBuilder("{");
      map.forEach(
          (key, weight) -> {
            String name = key instanceof org.ha4j.core.health.HealthSource h ? h.name() : "" + key;
            text.append(text.length() > 1 ? ", " : "")
                .append(name)
                .append(" weight ")
                .append(weight);
          });
      return text.append('}').toString();
    }
    return String.valueOf(value);
  }

  private static void addresses(
      List<String> changes, String what, List<VirtualAddress> was, List<VirtualAddress> now) {
    List<VirtualAddress> added = new ArrayList<>(now);
    added.removeAll(was);
    List<VirtualAddress> removed = new ArrayList<>(was);
    removed.removeAll(now);
    if (!added.isEmpty() || !removed.isEmpty()) {
      changes.add(what + " +" + added + " -" + removed);
    }
  }
}
