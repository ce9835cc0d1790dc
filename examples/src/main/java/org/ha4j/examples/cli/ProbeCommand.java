package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.Probes;
import org.ha4j.health.ScheduledProbe;

/**
 * {@code ha4j probe SPEC...}: runs ha4j health probes from the shell. Once by default, exiting 0
 * when every probe is healthy and 1 otherwise (so it can stand in for a keepalived {@code
 * vrrp_script}); with {@code --watch}, on a schedule with rise/fall, printing each transition as it
 * happens.
 */
final class ProbeCommand implements Subcommand {

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public String summary() {
    return "run health probes (tcp:, http://, exec:, process:, pidfile:, load:, cpu:, memory:, diskio:)";
  }

  @Override
  public String usage() {
    return "probe [--timeout S] [--watch [--interval S] [--rise N] [--fall N] [--for S]] SPEC ...   "
        + "(SPEC e.g. tcp:127.0.0.1:8080, process:nginx, 'exec:/etc/nginx/check_nginx.sh', memory:10%)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    Flags flags =
        Flags.parse(args, Set.of("timeout", "interval", "rise", "fall", "for"), Set.of("watch"));
    if (flags.positional().isEmpty()) {
      throw new UsageException("give at least one probe SPEC");
    }
    List<AsyncProbe> probes = new ArrayList<>();
    for (String spec : flags.positional()) {
      try {
        probes.add(Probes.parse(spec));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    boolean watch = flags.has("watch");
    if (!watch
        && (flags.has("interval") || flags.has("rise") || flags.has("fall") || flags.has("for"))) {
      throw new UsageException("--interval, --rise, --fall and --for go with --watch");
    }
    Duration interval = seconds(flags, "interval", Duration.ofSeconds(1));
    CheckSchedule schedule;
    try {
      schedule =
          CheckSchedule.builder()
              .interval(interval)
              .timeout(seconds(flags, "timeout", watch ? interval : Duration.ofSeconds(5)))
              .rise(flags.intValue("rise", 1, 1, CheckSchedule.MAX_COUNT))
              .fall(flags.intValue("fall", 1, 1, CheckSchedule.MAX_COUNT))
              .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try (HealthChecks checks = HealthChecks.create()) {
      return watch
          ? watch(checks, flags, probes, schedule, out)
          : once(checks, flags, probes, schedule, out);
    }
  }

  private static int once(
      HealthChecks checks,
      Flags flags,
      List<AsyncProbe> probes,
      CheckSchedule schedule,
      PrintStream out)
      throws Exception {
    List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
    List<Long> started = new ArrayList<>();
    for (AsyncProbe probe : probes) {
      ProbeContext context =
          ProbeContext.of(schedule.timeout(), checks.scheduler(), checks.blockingExecutor());
      checks
          .scheduler()
          .schedule(schedule.timeout(), context::cancel); // the same rule as a scheduled run
      started.add(System.nanoTime());
      results.add(probe.start(context).toCompletableFuture());
    }
    boolean allHealthy = true;
    for (int i = 0; i < probes.size(); i++) {
      ProbeResult result;
      try {
        // Every built-in probe completes promptly once cancelled; the margin covers a script's
        // SIGKILL.
        result =
            results
                .get(i)
                .get(schedule.timeout().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        result = ProbeResult.failed(e.getCause());
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started.get(i));
      allHealthy &= result.healthy();
      out.println(flags.positional().get(i) + ": " + result + " in " + millis + " ms");
    }
    return allHealthy ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
  }

  private static int watch(
      HealthChecks checks,
      Flags flags,
      List<AsyncProbe> probes,
      CheckSchedule schedule,
      PrintStream out)
      throws Exception {
    Duration runFor = flags.has("for") ? seconds(flags, "for", Duration.ZERO) : null;
    for (int i = 0; i < probes.size(); i++) {
      ScheduledProbe probe = checks.schedule(flags.positional().get(i), probes.get(i), schedule);
      out.println(
          stamp()
              + " "
              + probe.name()
              + " starts "
              + probe.current().status()
              + " (assumed until the first result)");
      probe.subscribe(
          (source, before, now) ->
              out.println(
                  stamp()
                      + " "
                      + source.name()
                      + " "
                      + before.status()
                      + " -> "
                      + now.status()
                      + " ("
                      + now.cause()
                      + ", "
                      + now.latency().toMillis()
                      + " ms)"));
    }
    CountDownLatch forever = new CountDownLatch(1);
    if (runFor == null) {
      forever.await();
    } else {
      forever.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
    }
    return Ha4jCommandLine.EXIT_OK;
  }

  private static String stamp() {
    return LocalTime.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static Duration seconds(Flags flags, String name, Duration defaultValue)
      throws UsageException {
    String text = flags.single(name).orElse(null);
    if (text == null) {
      return defaultValue;
    }
    try {
      return ConfigDurations.parseSeconds(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--" + name + " must be seconds such as 1 or 0.5, got '" + text + "'");
    }
  }
}
