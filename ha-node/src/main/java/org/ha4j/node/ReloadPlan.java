package org.ha4j.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.SyncGroupSpec;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VirtualAddressSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.ha4j.vrrp.config.VrrpScriptSpec;

/**
 * What a reload of a node does, worked out from the running configuration and the new one before
 * anything is touched: each {@code vrrp_instance} is reconfigured in place, restarted (what makes
 * it a router on the wire changed: interface, virtual_router_id, version, address family, address
 * owner (priority 255) or not, sync group), stopped, started or left alone; {@code vrrp_script}s
 * added, removed or changed; and the proxy's {@link ProxyPlan}. Pure: configs in, decisions out;
 * where a block stands in the file does not count.
 *
 * @param instances one step per instance that changes, in the order they are applied: stops,
 *     restarts, reconfigurations, starts
 * @param scriptsAdded {@code vrrp_script}s only the new file defines (those the proxy's health
 *     replaces excluded)
 * @param scriptsRemoved {@code vrrp_script}s only the running config defines
 * @param scriptsChanged {@code vrrp_script}s both define differently: they start again
 * @param proxy the proxy's changes
 */
record ReloadPlan(
    List<InstanceStep> instances,
    List<String> scriptsAdded,
    List<String> scriptsRemoved,
    List<String> scriptsChanged,
    ProxyPlan proxy) {

  /** What happens to one instance. */
  enum Action {
    /** Stopped gracefully (priority-0 advertisement, VIPs removed): the new file lacks it. */
    STOP("stopped"),
    /** Stopped gracefully, then started from the new file: its identity on the wire changed. */
    RESTART("restarted"),
    /** The running instance adopts the new settings, with no state transition of its own. */
    RECONFIGURE("reconfigured"),
    /** Started from the new file: the running config lacks it. */
    START("started");

    private final String done;

    Action(String done) {
      this.done = done;
    }
  }

  /**
   * @param name the instance
   * @param action what happens to it
   * @param changes what differs, as keepalived's keywords with before and after ({@code priority
   *     100->110}); empty for a start or a stop
   */
  record InstanceStep(String name, Action action, List<String> changes) {
    InstanceStep {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(action, "action");
      changes = List.copyOf(changes);
    }

    @Override
    public String toString() {
      return name
          + " "
          + action.done
          + (changes.isEmpty() ? "" : " (" + String.join(", ", changes) + ")");
    }
  }

  ReloadPlan {
    instances = List.copyOf(instances);
    scriptsAdded = List.copyOf(scriptsAdded);
    scriptsRemoved = List.copyOf(scriptsRemoved);
    scriptsChanged = List.copyOf(scriptsChanged);
    Objects.requireNonNull(proxy, "proxy");
  }

  /**
   * The plan from {@code running} to {@code next}.
   *
   * @param notRun the {@code vrrp_script}s the proxy's health replaces: never run, so never
   *     restarted
   */
  static ReloadPlan of(
      KeepalivedConfig running,
      NginxStreamConfig runningNginx,
      KeepalivedConfig next,
      NginxStreamConfig nextNginx,
      Set<String> notRun) {
    ProxyPlan.Diff scripts = ProxyPlan.Diff.of(scripts(running, notRun), scripts(next, notRun));
    Map<String, VrrpInstanceSpec> before = byName(running.instances());
    Map<String, VrrpInstanceSpec> after = byName(next.instances());
    List<InstanceStep> stops = new ArrayList<>();
    List<InstanceStep> restarts = new ArrayList<>();
    List<InstanceStep> reconfigures = new ArrayList<>();
    List<InstanceStep> starts = new ArrayList<>();
    for (VrrpInstanceSpec old : running.instances()) {
      if (!after.containsKey(old.name())) {
        stops.add(new InstanceStep(old.name(), Action.STOP, List.of()));
      }
    }
    for (VrrpInstanceSpec spec : next.instances()) {
      VrrpInstanceSpec old = before.get(spec.name());
      if (old == null) {
        starts.add(new InstanceStep(spec.name(), Action.START, List.of()));
        continue;
      }
      List<String> identity = identityChanges(old, running, spec, next);
      if (!identity.isEmpty()) {
        restarts.add(new InstanceStep(spec.name(), Action.RESTART, identity));
        continue;
      }
      List<String> changes = settingChanges(old, spec);
      changes.addAll(trackChanges(old, running, spec, next, notRun, scripts.changed()));
      if (!changes.isEmpty()) {
        reconfigures.add(new InstanceStep(spec.name(), Action.RECONFIGURE, changes));
      }
    }
    List<InstanceStep> steps = new ArrayList<>(stops);
    steps.addAll(restarts);
    steps.addAll(reconfigures);
    steps.addAll(starts);
    return new ReloadPlan(
        steps,
        scripts.added(),
        scripts.removed(),
        scripts.changed(),
        ProxyPlan.of(runningNginx, nextNginx));
  }

  /** Nothing to apply: the new files say what already runs. */
  boolean isEmpty() {
    return instances.isEmpty()
        && scriptsAdded.isEmpty()
        && scriptsRemoved.isEmpty()
        && scriptsChanged.isEmpty()
        && proxy.isEmpty();
  }

  /** The step for {@code instance}, if it changes. */
  Optional<InstanceStep> step(String instance) {
    return instances.stream().filter(s -> s.name().equals(instance)).findFirst();
  }

  /**
   * One line for the log and for {@code RELOADED}: {@code VI_1 reconfigured (priority 100->110);
   * vrrp_script chk added; listener *:8081 added}, or {@code no change}.
   */
  String summary() {
    List<String> parts = new ArrayList<>();
    instances.forEach(step -> parts.add(step.toString()));
    scriptsAdded.forEach(s -> parts.add("vrrp_script " + s + " added"));
    scriptsRemoved.forEach(s -> parts.add("vrrp_script " + s + " removed"));
    scriptsChanged.forEach(s -> parts.add("vrrp_script " + s + " changed"));
    parts.addAll(proxy.describe());
    return parts.isEmpty() ? "no change" : String.join("; ", parts);
  }

  /**
   * What a running instance cannot adopt: it is another router on the wire (or in another sync
   * group) and has to be stopped and started.
   */
  private static List<String> identityChanges(
      VrrpInstanceSpec old,
      KeepalivedConfig running,
      VrrpInstanceSpec spec,
      KeepalivedConfig next) {
    List<String> out = new ArrayList<>();
    compare(out, "interface", old.interfaceName(), spec.interfaceName());
    compare(out, "virtual_router_id", old.virtualRouterId(), spec.virtualRouterId());
    compare(out, "version", old.version(), spec.version());
    compare(out, "address family", family(old), family(spec));
    // priority 255 makes the router the address owner (RFC 3768 section 5.3.4): another role.
    if ((old.priority() == 255) != (spec.priority() == 255)) {
      out.add("priority " + old.priority() + "->" + spec.priority() + " (address owner)");
    }
    Optional<List<Object>> groupBefore = running.syncGroupOf(old.name()).map(ReloadPlan::identity);
    Optional<List<Object>> groupAfter = next.syncGroupOf(spec.name()).map(ReloadPlan::identity);
    if (!groupBefore.equals(groupAfter)) {
      out.add(
          "vrrp_sync_group "
              + running.syncGroupOf(old.name()).map(SyncGroupSpec::name).orElse("none")
              + "->"
              + next.syncGroupOf(spec.name()).map(SyncGroupSpec::name).orElse("none")
              + (groupBefore.isPresent() && groupAfter.isPresent() ? " (changed)" : ""));
    }
    return out;
  }

  /** A sync group as its members share it; its tracks flow into each member's own. */
  private static List<Object> identity(SyncGroupSpec group) {
    return List.of(group.name(), group.members(), group.trackingWeight(), group.notifyScripts());
  }

  private static String family(VrrpInstanceSpec spec) {
    return spec.virtualAddresses().stream().anyMatch(v -> v.address().toString().indexOf(':') >= 0)
        ? "IPv6"
        : "IPv4";
  }

  /** The settings a running instance adopts, as keepalived's keywords. */
  private static List<String> settingChanges(VrrpInstanceSpec old, VrrpInstanceSpec spec) {
    List<String> out = new ArrayList<>();
    compare(out, "priority", old.priority(), spec.priority());
    compare(
        out,
        "advert_int",
        KeepalivedMapping.seconds(old.advertInterval()),
        KeepalivedMapping.seconds(spec.advertInterval()));
    compareSets(
        out, "virtual_ipaddress", vips(old.virtualAddresses()), vips(spec.virtualAddresses()));
    compareSets(
        out,
        "virtual_ipaddress_excluded",
        vips(old.excludedAddresses()),
        vips(spec.excludedAddresses()));
    compare(out, "preempt", old.preempt(), spec.preempt());
    compare(out, "preempt_delay", old.preemptDelay(), spec.preemptDelay());
    compare(out, "accept", old.acceptMode(), spec.acceptMode());
    if (!old.authentication().equals(spec.authentication())) {
      out.add("authentication changed");
    }
    compare(
        out,
        "unicast_src_ip",
        old.unicastSource().map(Object::toString).orElse("none"),
        spec.unicastSource().map(Object::toString).orElse("none"));
    compareSets(
        out,
        "unicast_peer",
        old.unicastPeers().stream().map(Object::toString).toList(),
        spec.unicastPeers().stream().map(Object::toString).toList());
    if (!old.notifyScripts().equals(spec.notifyScripts())) {
      out.add("notify changed");
    }
    if (!old.garp().equals(spec.garp())) {
      out.add("garp changed");
    }
    // state MASTER/BACKUP only chooses how an instance starts: a running one keeps its state.
    compare(
        out,
        "state",
        old.initialStateMaster() ? "MASTER" : "BACKUP",
        spec.initialStateMaster() ? "MASTER" : "BACKUP");
    return out;
  }

  /**
   * The instance's tracked scripts and interfaces (its sync group's included) with their weights,
   * and the tracked scripts whose definition changed.
   */
  private static List<String> trackChanges(
      VrrpInstanceSpec old,
      KeepalivedConfig running,
      VrrpInstanceSpec spec,
      KeepalivedConfig next,
      Set<String> notRun,
      List<String> changedScripts) {
    List<String> out = new ArrayList<>();
    compareSets(
        out,
        "track_script",
        tracks(KeepalivedMapping.trackedScripts(old, running.syncGroupOf(old.name()))),
        tracks(KeepalivedMapping.trackedScripts(spec, next.syncGroupOf(spec.name()))));
    compareSets(
        out,
        "track_interface",
        tracks(KeepalivedMapping.trackedInterfaces(old, running.syncGroupOf(old.name()))),
        tracks(KeepalivedMapping.trackedInterfaces(spec, next.syncGroupOf(spec.name()))));
    for (TrackSpec track : KeepalivedMapping.trackedScripts(spec, next.syncGroupOf(spec.name()))) {
      if (!notRun.contains(track.name()) && changedScripts.contains(track.name())) {
        out.add("vrrp_script " + track.name() + " changed");
      }
    }
    return out;
  }

  private static List<String> tracks(List<TrackSpec> tracks) {
    return tracks.stream()
        .map(t -> t.name() + (t.weight().isPresent() ? " weight " + t.weight().getAsInt() : ""))
        .toList();
  }

  private static List<String> vips(List<VirtualAddressSpec> vips) {
    return vips.stream()
        .map(
            v ->
                v.address()
                    + v.device().map(d -> " dev " + d).orElse("")
                    + v.label().map(l -> " label " + l).orElse(""))
        .toList();
  }

  private static void compare(List<String> out, String keyword, Object before, Object after) {
    if (!before.equals(after)) {
      out.add(keyword + " " + before + "->" + after);
    }
  }

  /** {@code virtual_ipaddress +10.0.0.2/32 -10.0.0.1/32}: what was added and what removed. */
  private static void compareSets(
      List<String> out, String keyword, List<String> before, List<String> after) {
    StringBuilder text = new StringBuilder();
    after.stream().filter(a -> !before.contains(a)).forEach(a -> text.append(" +").append(a));
    before.stream().filter(b -> !after.contains(b)).forEach(b -> text.append(" -").append(b));
    if (text.length() > 0) {
      out.add(keyword + text);
    }
  }

  /** A script's definition without where it stands. */
  private static List<Object> comparable(VrrpScriptSpec s) {
    return List.of(s.command(), s.interval(), s.timeout(), s.weight(), s.rise(), s.fall());
  }

  /** The scripts a node runs, each as {@link #comparable}. */
  private static Map<String, Object> scripts(KeepalivedConfig config, Set<String> notRun) {
    Map<String, Object> out = new LinkedHashMap<>();
    config
        .scripts()
        .forEach(
            (name, spec) -> {
              if (!notRun.contains(name)) {
                out.put(name, comparable(spec));
              }
            });
    return out;
  }

  private static Map<String, VrrpInstanceSpec> byName(List<VrrpInstanceSpec> specs) {
    Map<String, VrrpInstanceSpec> out = new LinkedHashMap<>();
    specs.forEach(spec -> out.put(spec.name(), spec));
    return out;
  }
}
