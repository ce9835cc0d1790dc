package org.ha4j.node;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpSyncGroup;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.SyncGroupSpec;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VirtualAddressSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.ha4j.vrrp.config.VrrpScriptSpec;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;

/**
 * keepalived.conf's {@code vrrp_instance} -> {@link VrrpInstance.Builder}: the one mapping both the
 * validation ({@code ./ha4j check}) and the running node use, so check refuses exactly what a node
 * cannot carry out.
 */
final class KeepalivedMapping {

  private KeepalivedMapping() {}

  /**
   * Maps and builds (without starting) every instance, with stand-ins for the scripts and the
   * proxy's health; what cannot be carried out is added as an error with the instance's file:line.
   */
  static void validateInstances(
      KeepalivedConfig keepalived, NodeOptions options, List<ConfigProblem> problems) {
    Map<String, VrrpSyncGroup> groups = syncGroups(keepalived);
    for (VrrpInstanceSpec spec : keepalived.instances()) {
      try {
        instanceBuilder(
                spec,
                keepalived,
                options,
                HealthSignal.up("proxy"),
                script -> HealthSignal.up(script.name()),
                groups)
            .build();
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR, spec.location(), "vrrp_instance", e.getMessage()));
      } catch (UnsupportedSetting e) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR, spec.location(), e.keyword, e.getMessage()));
      }
    }
  }

  /**
   * One {@link VrrpSyncGroup} per {@code vrrp_sync_group}, by member instance name: the members'
   * builders must share it.
   */
  static Map<String, VrrpSyncGroup> syncGroups(KeepalivedConfig config) {
    Map<String, VrrpSyncGroup> byMember = new HashMap<>();
    for (SyncGroupSpec spec : config.syncGroups()) {
      VrrpSyncGroup group = VrrpSyncGroup.create(spec.name(), spec.notifyScripts());
      spec.members().forEach(member -> byMember.put(member, group));
    }
    return byMember;
  }

  /**
   * One {@code vrrp_instance} as a builder. Every instance tracks {@code proxyHealth} with weight
   * 0, so it resigns the moment the proxy fails; {@code scripts} gives the source of each tracked
   * {@code vrrp_script} not replaced by that health.
   */
  static VrrpInstance.Builder instanceBuilder(
      VrrpInstanceSpec spec,
      KeepalivedConfig config,
      NodeOptions options,
      HealthSource proxyHealth,
      Function<VrrpScriptSpec, HealthSource> scripts,
      Map<String, VrrpSyncGroup> syncGroups) {
    VrrpInstance.Builder b =
        VrrpInstance.builder()
            .name(spec.name())
            .interfaceName(spec.interfaceName())
            .virtualRouterId(spec.virtualRouterId())
            .priority(spec.priority())
            .initialState(
                spec.initialStateMaster()
                    ? VrrpRouterConfig.InitialState.MASTER
                    : VrrpRouterConfig.InitialState.BACKUP)
            .version(spec.version())
            .advertInterval(spec.advertInterval())
            .acceptMode(spec.acceptMode())
            .authentication(spec.authentication())
            .preempt(spec.preempt())
            .preemptDelay(spec.preemptDelay())
            .garpMasterDelay(spec.garp().masterDelay())
            .garpMasterRepeat(spec.garp().masterRepeat())
            .garpMasterRefresh(spec.garp().masterRefresh())
            .garpMasterRefreshRepeat(spec.garp().masterRefreshRepeat());
    for (VirtualAddressSpec vip : spec.virtualAddresses()) {
      onInstanceInterface(spec, vip, "virtual_ipaddress");
      if (vip.address().address().isIpv6()) {
        b.ipv6VirtualAddress(vip.address());
      } else {
        b.virtualAddress(ipv4(vip));
      }
    }
    for (VirtualAddressSpec excluded : spec.excludedAddresses()) {
      onInstanceInterface(spec, excluded, "virtual_ipaddress_excluded");
      if (excluded.address().address().isIpv6()) {
        b.ipv6ExcludedAddress(excluded.address());
      } else {
        b.excludedAddress(ipv4(excluded));
      }
    }
    spec.unicastSource().ifPresent(b::unicastSource);
    spec.unicastPeers().forEach(b::unicastPeer);
    b.notifyScripts(spec.notifyScripts());
    Optional<SyncGroupSpec> group = config.syncGroupOf(spec.name());
    for (TrackSpec track : trackedInterfaces(spec, group)) {
      // The instance already follows its own interface's link (FAULT while down), as keepalived
      // does; listed with weight 0 it adds nothing.
      if (!track.name().equals(spec.interfaceName()) || track.weight().orElse(0) != 0) {
        b.trackInterface(track.name(), track.weight().orElse(0));
      }
    }
    Optional.ofNullable(syncGroups.get(spec.name())).ifPresent(b::syncGroup);
    // The proxy's health replaces check_nginx.sh: weight 0, so the instance resigns the moment it
    // fails.
    b.track(proxyHealth, 0);
    for (TrackSpec track : trackedScripts(spec, group)) {
      if (options.proxyHealthReplaces().contains(track.name())) {
        continue;
      }
      VrrpScriptSpec script = config.scripts().get(track.name());
      b.track(scripts.apply(script), track.weight().orElse(script.weight()));
    }
    return b;
  }

  /** {@code 1}, {@code 0.1}: an interval as keepalived's advert_int writes it, in seconds. */
  static String seconds(Duration interval) {
    return BigDecimal.valueOf(interval.toMillis(), 3).stripTrailingZeros().toPlainString();
  }

  /**
   * The instance's track_interface entries, then its sync group's that it does not list itself
   * (keepalived keeps one entry per interface and warns).
   */
  static List<TrackSpec> trackedInterfaces(VrrpInstanceSpec spec, Optional<SyncGroupSpec> group) {
    return withGroups(spec.trackInterfaces(), group.map(SyncGroupSpec::trackInterfaces));
  }

  /** The instance's track_script entries, then its sync group's it does not list itself. */
  static List<TrackSpec> trackedScripts(VrrpInstanceSpec spec, Optional<SyncGroupSpec> group) {
    return withGroups(spec.trackScripts(), group.map(SyncGroupSpec::trackScripts));
  }

  private static List<TrackSpec> withGroups(List<TrackSpec> own, Optional<List<TrackSpec>> group) {
    List<TrackSpec> all = new ArrayList<>(own);
    for (TrackSpec track : group.orElse(List.of())) {
      if (all.stream().noneMatch(t -> t.name().equals(track.name()))) {
        all.add(track);
      }
    }
    return all;
  }

  /** Refuses a VIP on another interface than the instance's. */
  private static void onInstanceInterface(
      VrrpInstanceSpec spec, VirtualAddressSpec vip, String keyword) {
    if (vip.device().isPresent() && !vip.device().get().equals(spec.interfaceName())) {
      throw new UnsupportedSetting(
          keyword,
          (keyword.equals("virtual_ipaddress") ? "VIP " : "excluded address ")
              + vip.address()
              + " dev "
              + vip.device().get()
              + ": ha4j puts the VIPs on the instance's interface ("
              + spec.interfaceName()
              + ") only");
    }
  }

  /** An IPv4 entry (the loader keeps each instance to one family) with its label. */
  private static VirtualAddress ipv4(VirtualAddressSpec vip) {
    return new VirtualAddress(
        new Ipv4Cidr(
            Ipv4Address.ofBytes(vip.address().address().toBytes(), 0),
            vip.address().prefixLength()),
        vip.label().orElse(null));
  }

  /** A keepalived setting that loads but that a node cannot carry out. */
  private static final class UnsupportedSetting extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    final String keyword;

    UnsupportedSetting(String keyword, String message) {
      super(message);
      this.keyword = keyword;
    }
  }
}
