package org.ha4j.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.ha4j.core.health.HealthSource;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.VrrpSyncGroup;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.SyncGroupSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's running VRRP instances, each with the {@code vrrp_script} runs it tracks and the sync
 * group it belongs to: started from a keepalived.conf, and changed by a {@link ReloadPlan}. A
 * reconfigured instance keeps the runs of the scripts that did not change, so their rise/fall state
 * carries over and no tracked source flaps because of a reload. Not thread-safe: {@link HaNode}
 * calls it under its own lock.
 */
final class NodeInstances {

  private static final Logger log = LoggerFactory.getLogger(NodeInstances.class);

  private final NodeOptions options;
  private final ScriptChecks scripts;
  private final HealthSource proxyHealth;

  /** Running instances by name, in file order. */
  private Map<String, Member> running = new LinkedHashMap<>();

  /**
   * One instance as it runs: the script runs it tracks, by script name, and its sync group, which
   * its fellow members' builders must share.
   */
  private record Member(
      VrrpInstance instance, Map<String, HealthSource> scriptRuns, VrrpSyncGroup group) {}

  NodeInstances(NodeOptions options, ScriptChecks scripts, HealthSource proxyHealth) {
    this.options = Objects.requireNonNull(options, "options");
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.proxyHealth = Objects.requireNonNull(proxyHealth, "proxyHealth");
  }

  /**
   * Builds every instance of {@code config} (starting the scripts they track), not started yet;
   * {@link #start} starts them.
   */
  List<Built> build(KeepalivedConfig config) {
    Map<String, VrrpSyncGroup> groups = KeepalivedMapping.syncGroups(config);
    List<Built> out = new ArrayList<>();
    for (VrrpInstanceSpec spec : config.instances()) {
      out.add(build(spec, config, groups, Map.of()));
    }
    return out;
  }

  /** An instance built and not started, with the script runs it tracks. */
  record Built(VrrpInstance instance, Map<String, HealthSource> scriptRuns, VrrpSyncGroup group) {}

  /** Starts each in turn; those that started are running, whatever a later one throws. */
  void start(List<Built> built) throws IOException {
    for (Built b : built) {
      b.instance().start();
      running.put(b.instance().name(), new Member(b.instance(), b.scriptRuns(), b.group()));
      started(b.instance());
    }
  }

  /** The running instances, in file order. */
  List<VrrpInstance> list() {
    return running.values().stream().map(Member::instance).toList();
  }

  /**
   * Carries out {@code plan}'s instance steps to reach {@code next}: stops, restarts (graceful
   * stop, then start), reconfigurations in place, starts. An instance that refuses to be
   * reconfigured in place (IllegalArgumentException: its identity differs after all) is restarted
   * instead. A step that fails is logged and the others still run.
   *
   * @return one line per step that failed, empty when every step was carried out
   */
  List<String> apply(ReloadPlan plan, KeepalivedConfig next) {
    List<String> failures = new ArrayList<>();
    Map<String, VrrpSyncGroup> groups = groupsFor(plan, next);
    Map<String, Member> after = new HashMap<>(running);
    for (ReloadPlan.InstanceStep step : plan.instances()) {
      Member old = running.get(step.name());
      try {
        switch (step.action()) {
          case STOP -> {
            after.remove(step.name());
            stop(old, Map.of());
          }
          case RESTART -> {
            after.remove(step.name());
            stop(old, Map.of());
            Built built = build(spec(next, step.name()), next, groups, Map.of());
            after.put(step.name(), startBuilt(built));
          }
          case RECONFIGURE -> {
            Map<String, HealthSource> keep = new HashMap<>(old.scriptRuns());
            plan.scriptsChanged().forEach(keep::remove);
            Built built = build(spec(next, step.name()), next, groups, keep);
            after.put(step.name(), reconfigure(old, built));
          }
          case START -> {
            Built built = build(spec(next, step.name()), next, groups, Map.of());
            after.put(step.name(), startBuilt(built));
          }
        }
      } catch (IOException | RuntimeException e) {
        log.error("reload: {} failed", step, e);
        failures.add(step + " failed: " + e.getMessage());
      }
    }
    Map<String, Member> ordered = new LinkedHashMap<>();
    for (VrrpInstanceSpec spec : next.instances()) {
      if (after.containsKey(spec.name())) {
        ordered.put(spec.name(), after.get(spec.name()));
      }
    }
    running = ordered;
    return failures;
  }

  /**
   * The running instance adopts {@code built}'s settings; the script runs it no longer tracks stop.
   */
  private Member reconfigure(Member old, Built built) throws IOException {
    try {
      old.instance().reconfigure(built.instance());
    } catch (IllegalArgumentException cannotAdopt) {
      log.info(
          "reload: {} cannot adopt the new settings in place ({}); restarting it",
          old.instance().name(),
          cannotAdopt.getMessage());
      stop(old, built.scriptRuns());
      return startBuilt(built);
    }
    closeRunsNotIn(old.scriptRuns(), built.scriptRuns());
    return new Member(old.instance(), built.scriptRuns(), built.group());
  }

  private Member startBuilt(Built built) throws IOException {
    try {
      built.instance().start();
    } catch (IOException | RuntimeException e) {
      closeRunsNotIn(built.scriptRuns(), Map.of());
      throw e;
    }
    started(built.instance());
    return new Member(built.instance(), built.scriptRuns(), built.group());
  }

  /**
   * Stops gracefully (priority 0, VIPs removed), then the script runs {@code kept} does not use.
   */
  private void stop(Member member, Map<String, HealthSource> kept) {
    member.instance().stop();
    closeRunsNotIn(member.scriptRuns(), kept);
  }

  private void closeRunsNotIn(Map<String, HealthSource> runs, Map<String, HealthSource> kept) {
    for (HealthSource run : runs.values()) {
      if (!kept.containsValue(run)) {
        ScriptChecks.close(run);
      }
    }
  }

  /**
   * The sync group each member of {@code next} builds with: the running group while its members
   * stay in place (the plan restarts all of a group's members when the group itself changed), a new
   * one otherwise.
   */
  private Map<String, VrrpSyncGroup> groupsFor(ReloadPlan plan, KeepalivedConfig next) {
    Map<String, VrrpSyncGroup> fresh = KeepalivedMapping.syncGroups(next);
    Map<String, VrrpSyncGroup> out = new HashMap<>();
    for (SyncGroupSpec group : next.syncGroups()) {
      VrrpSyncGroup chosen = fresh.get(group.members().get(0));
      for (String member : group.members()) {
        Member m = running.get(member);
        boolean inPlace =
            m != null
                && plan.step(member)
                    .map(s -> s.action() == ReloadPlan.Action.RECONFIGURE)
                    .orElse(true);
        if (inPlace && m.group() != null) {
          chosen = m.group();
          break;
        }
      }
      for (String member : group.members()) {
        out.put(member, chosen);
      }
    }
    return out;
  }

  /**
   * Builds {@code spec}, reusing the runs of {@code reusable} (by script name) and starting a run
   * for every other tracked script.
   */
  private Built build(
      VrrpInstanceSpec spec,
      KeepalivedConfig config,
      Map<String, VrrpSyncGroup> groups,
      Map<String, HealthSource> reusable) {
    Map<String, HealthSource> runs = new LinkedHashMap<>();
    try {
      VrrpInstance instance =
          KeepalivedMapping.instanceBuilder(
                  spec,
                  config,
                  options,
                  proxyHealth,
                  script ->
                      runs.computeIfAbsent(
                          script.name(),
                          name ->
                              reusable.containsKey(name)
                                  ? reusable.get(name)
                                  : scripts.run(script).source()),
                  groups)
              .listener(new VrrpEventPrinter(options.events()))
              .build();
      return new Built(instance, runs, groups.get(spec.name()));
    } catch (RuntimeException e) {
      closeRunsNotIn(runs, reusable);
      throw e;
    }
  }

  private static VrrpInstanceSpec spec(KeepalivedConfig config, String name) {
    return config.instances().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no vrrp_instance " + name + " in the plan"));
  }

  private void started(VrrpInstance instance) {
    VrrpInstanceSnapshot s = instance.snapshot();
    Consumer<String> events = options.events();
    events.accept(
        "STARTED "
            + instance.name()
            + " from "
            + s.sourceAddress()
            + " priority "
            + s.basePriority());
  }
}
