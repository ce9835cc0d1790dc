package org.ha4j.node;

import java.util.List;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.health.HealthSource;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.health.track.TrackScript;
import org.ha4j.health.track.TrackedSource;
import org.ha4j.health.track.VrrpScript;
import org.ha4j.vrrp.config.VrrpScriptSpec;

/**
 * The node's {@code vrrp_script}s on one health scheduler, as a {@link Lifecycle}: {@link #start()}
 * creates the scheduler, {@link #run} starts a script on it, {@link #stop()} stops every script
 * (reaping the processes in flight) and the scheduler. Scripts start as the instances that track
 * them are built, so an instance never sees a script result before it exists.
 */
final class ScriptChecks implements Lifecycle {

  private HealthChecks checks;
  private boolean stopped;

  @Override
  public synchronized void start() {
    if (checks != null || stopped) {
      throw new IllegalStateException("the node's scripts start once");
    }
    checks = HealthChecks.create();
  }

  /** Runs {@code spec} as keepalived runs it and returns the source a VRRP instance tracks. */
  synchronized TrackedSource run(VrrpScriptSpec spec) {
    if (checks == null || stopped) {
      throw new IllegalStateException("scripts run only between start and stop");
    }
    VrrpScript script =
        VrrpScript.builder(spec.name(), spec.command())
            .interval(spec.interval())
            .timeout(spec.timeout())
            .weight(spec.weight())
            .rise(spec.rise())
            .fall(spec.fall())
            .build();
    return TrackScript.start(script, checks);
  }

  /** The scripts running now; empty before start and after stop. */
  synchronized List<ScheduledProbe> probes() {
    return checks == null || stopped ? List.of() : checks.probes();
  }

  /**
   * Stops one script that {@link #run} started (a reload dropped or changed it); its process in
   * flight is reaped. The others keep running.
   */
  static void close(HealthSource run) {
    if (run instanceof ScheduledProbe probe) {
      probe.close();
    }
  }

  @Override
  public synchronized void stop() {
    if (checks == null || stopped) {
      return;
    }
    stopped = true;
    checks.close();
  }
}
