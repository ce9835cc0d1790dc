package org.ha4j.vrrp.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ha4j.core.config.ConfigProblem;

/**
 * What ha4j understood of a keepalived.conf: its scripts and instances, and the warnings for
 * keywords that keepalived would also have accepted without effect here.
 *
 * @param routerId {@code global_defs { router_id }}, if set
 * @param scripts {@code vrrp_script} blocks by name, in file order
 * @param instances {@code vrrp_instance} blocks, in file order
 * @param warnings non-fatal problems, each with file:line
 * @param syncGroups {@code vrrp_sync_group} blocks, in file order
 */
public record KeepalivedConfig(
    Optional<String> routerId,
    Map<String, VrrpScriptSpec> scripts,
    List<VrrpInstanceSpec> instances,
    List<ConfigProblem> warnings,
    List<SyncGroupSpec> syncGroups) {

  public KeepalivedConfig {
    Objects.requireNonNull(routerId, "routerId");
    scripts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scripts));
    instances = List.copyOf(instances);
    warnings = List.copyOf(warnings);
    syncGroups = List.copyOf(syncGroups);
  }

  /** A configuration without sync groups. */
  public KeepalivedConfig(
      Optional<String> routerId,
      Map<String, VrrpScriptSpec> scripts,
      List<VrrpInstanceSpec> instances,
      List<ConfigProblem> warnings) {
    this(routerId, scripts, instances, warnings, List.of());
  }

  /** The sync group {@code instance} is a member of, if any. */
  public Optional<SyncGroupSpec> syncGroupOf(String instance) {
    return syncGroups.stream().filter(g -> g.members().contains(instance)).findFirst();
  }
}
