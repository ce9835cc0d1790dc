package org.ha4j.vrrp.config;

import java.util.List;
import java.util.Objects;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.vrrp.NotifyScripts;

/**
 * A keepalived {@code vrrp_sync_group} block as read: instances that change state together.
 *
 * @param name the group name ({@code VG_1})
 * @param members the {@code group { ... }} instance names, in file order; each names a loaded
 *     {@code vrrp_instance} in no other group
 * @param trackScripts the group's {@code track_script}: every member tracks them
 * @param trackInterfaces the group's {@code track_interface}: every member tracks them
 * @param trackingWeight {@code sync_group_tracking_weight}: members' own tracker weights count;
 *     without it keepalived ignores them, and ha4j refuses them
 * @param notifyScripts the group's notify scripts (generic one: {@code GROUP <name> <state> 0})
 * @param location where the block starts
 */
public record SyncGroupSpec(
    String name,
    List<String> members,
    List<TrackSpec> trackScripts,
    List<TrackSpec> trackInterfaces,
    boolean trackingWeight,
    NotifyScripts notifyScripts,
    ConfigLocation location) {

  public SyncGroupSpec {
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
    trackScripts = List.copyOf(trackScripts);
    trackInterfaces = List.copyOf(trackInterfaces);
    Objects.requireNonNull(notifyScripts, "notifyScripts");
    Objects.requireNonNull(location, "location");
  }
}
