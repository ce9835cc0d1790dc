package org.ha4j.node;

import java.util.List;
import java.util.function.Function;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.config.KeepalivedConfig;
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
    for (VrrpInstanceSpec spec : keepalived.instances()) {
      try {
        instanceBuilder(
                spec,
                keepalived,
                options,
                HealthSignal.up("proxy"),
                script -> HealthSignal.up(script.name()))
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
   * One {@code vrrp_instance} as a builder. Every instance tracks {@code proxyHealth} with weight
   * 0, so it resigns the moment the proxy fails; {@code scripts} gives the source of each tracked
   * {@code vrrp_script} not replaced by that health.
   */
  static VrrpInstance.Builder instanceBuilder(
      VrrpInstanceSpec spec,
      KeepalivedConfig config,
      NodeOptions options,
      HealthSource proxyHealth,
      Function<VrrpScriptSpec, HealthSource> scripts) {
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
            .advertIntervalSeconds(spec.advertIntervalSeconds())
            .authentication(spec.authentication())
            .preempt(spec.preempt())
            .preemptDelay(spec.preemptDelay())
            .garpMasterDelay(spec.garp().masterDelay())
            .garpMasterRepeat(spec.garp().masterRepeat())
            .garpMasterRefresh(spec.garp().masterRefresh())
            .garpMasterRefreshRepeat(spec.garp().masterRefreshRepeat());
    for (VirtualAddressSpec vip : spec.virtualAddresses()) {
      b.virtualAddress(onInstanceInterface(spec, vip, "virtual_ipaddress"));
    }
    for (VirtualAddressSpec excluded : spec.excludedAddresses()) {
      b.excludedAddress(onInstanceInterface(spec, excluded, "virtual_ipaddress_excluded"));
    }
    spec.unicastSource().ifPresent(b::unicastSource);
    spec.unicastPeers().forEach(b::unicastPeer);
    b.notifyScripts(spec.notifyScripts());
    for (TrackSpec track : spec.trackInterfaces()) {
      if (!track.name().equals(spec.interfaceName()) || track.weight().orElse(0) != 0) {
        throw new UnsupportedSetting(
            "track_interface",
            "track_interface "
                + track.name()
                + track.weight().stream().mapToObj(w -> " weight " + w).findFirst().orElse("")
                + ": ./ha4j run tracks only the instance's own interface, with weight 0 (FAULT while down)");
      }
      // The instance already follows its own interface's link (FAULT while down), as keepalived
      // does.
    }
    // The proxy's health replaces check_nginx.sh: weight 0, so the instance resigns the moment it
    // fails.
    b.track(proxyHealth, 0);
    for (TrackSpec track : spec.trackScripts()) {
      if (options.proxyHealthReplaces().contains(track.name())) {
        continue;
      }
      VrrpScriptSpec script = config.scripts().get(track.name());
      b.track(scripts.apply(script), track.weight().orElse(script.weight()));
    }
    return b;
  }

  private static VirtualAddress onInstanceInterface(
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
    return new VirtualAddress(vip.address(), vip.label().orElse(null));
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
