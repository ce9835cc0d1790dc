package org.ha4j.node.metrics;

import io.micrometer.core.instrument.Tags;
import java.util.Collection;
import java.util.function.Supplier;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.health.ProbeFailure;
import org.ha4j.health.ScheduledProbe;

/**
 * Meters of scheduled health probes (a node's {@code vrrp_script}s, or an application's own),
 * tagged {@code probe} with the probe's name:
 *
 * <ul>
 *   <li>{@code ha4j.probe.up} (gauge): 1 while the probe's status is UP, after rise/fall;
 *   <li>{@code ha4j.probe.successes} (counter): runs that found the checked thing healthy;
 *   <li>{@code ha4j.probe.failures} (counter, tag {@code reason}, a {@link ProbeFailure} name):
 *       {@code FAILED}, {@code TIMEOUT}, {@code STILL_RUNNING}, {@code PROBE_ERROR};
 *   <li>{@code ha4j.probe.latency} (function timer): count and total time of the runs that finished
 *       or timed out.
 * </ul>
 *
 * <p>The probes are the ones {@code probes} gives when bound and at each {@link #refresh()} (for
 * example {@code node::probes} or {@code checks::probes}, after start): a reload's new {@code
 * vrrp_script}s get their series, removed ones lose theirs, and a changed script that a reload
 * started again keeps its series, whose counters carry on from the replaced probe's values.
 */
public final class HealthMetrics extends FollowingBinder<ScheduledProbe> {

  public HealthMetrics(Supplier<? extends Collection<? extends ScheduledProbe>> probes) {
    super(probes, ScheduledProbe::name);
  }

  @Override
  void register(Meters meters, String name, Followed<ScheduledProbe> probe) {
    Tags tags = Tags.of("probe", name);
    meters.gauge(
        "ha4j.probe.up",
        "1 while the probe's status is UP (after rise/fall)",
        tags,
        probe,
        f -> f.read(p -> p.current().status() == HealthStatus.UP ? 1 : 0));
    meters.counter(
        "ha4j.probe.successes",
        "runs that found the checked thing healthy",
        tags,
        null,
        probe,
        probe.counter(p -> p.stats().successes()));
    for (ProbeFailure reason : ProbeFailure.values()) {
      meters.counter(
          "ha4j.probe.failures",
          "failed runs, by reason",
          tags.and("reason", reason.name()),
          null,
          probe,
          probe.counter(p -> p.stats().failures(reason)));
    }
    meters.timer(
        "ha4j.probe.latency",
        "runs that finished or timed out, and how long they took",
        tags,
        probe,
        probe.counter(p -> p.stats().timedRuns()),
        probe.counter(p -> p.stats().latencyNanos()));
  }
}
