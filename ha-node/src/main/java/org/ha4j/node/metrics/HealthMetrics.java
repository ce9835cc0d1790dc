package org.ha4j.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 * <p>The probes are the ones {@code probes} gives when bound (for example {@code node::probes} or
 * {@code checks::probes}, after start).
 */
public final class HealthMetrics implements MeterBinder {

  private final Supplier<? extends Collection<? extends ScheduledProbe>> probes;

  public HealthMetrics(Supplier<? extends Collection<? extends ScheduledProbe>> probes) {
    this.probes = Objects.requireNonNull(probes, "probes");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (ScheduledProbe probe : probes.get()) {
      Tags tags = Tags.of("probe", probe.name());
      Gauge.builder("ha4j.probe.up", probe, p -> p.current().status() == HealthStatus.UP ? 1 : 0)
          .description("1 while the probe's status is UP (after rise/fall)")
          .tags(tags)
          .strongReference(true)
          .register(registry);
      FunctionCounter.builder("ha4j.probe.successes", probe, p -> p.stats().successes())
          .description("runs that found the checked thing healthy")
          .tags(tags)
          .register(registry);
      for (ProbeFailure reason : ProbeFailure.values()) {
        FunctionCounter.builder("ha4j.probe.failures", probe, p -> p.stats().failures(reason))
            .description("failed runs, by reason")
            .tags(tags.and("reason", reason.name()))
            .register(registry);
      }
      FunctionTimer.builder(
              "ha4j.probe.latency",
              probe,
              p -> p.stats().timedRuns(),
              p -> p.stats().latencyNanos(),
              TimeUnit.NANOSECONDS)
          .description("runs that finished or timed out, and how long they took")
          .tags(tags)
          .register(registry);
    }
  }
}
