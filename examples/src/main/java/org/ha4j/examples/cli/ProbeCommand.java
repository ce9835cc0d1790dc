package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.Probes;
import org.ha4j.health.ScheduledProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ha4j probe SPEC...}: runs ha4j health probes from the shell. Once by default, exiting 0
 * when every probe is healthy and 1 otherwise (so it can stand in for a keepalived {@code
 * vrrp_script}); with {@code --watch}, on a schedule with rise/fall, printing each transition as it
 * happens.
 */
@Command(
    name = "probe",
    description = {
      "Run health probes once (exit 0 when every one is healthy, 1 otherwise, so it can stand in"
          + " for a keepalived vrrp_script), or --watch them and print each transition."
    },
    footer = {
      "%nSPEC: tcp:HOST:PORT, http://HOST:PORT/PATH, exec:COMMAND, process:NAME, pidfile:FILE,"
          + " load:N, cpu:P%, memory:P%, diskio:P%; e.g. tcp:127.0.0.1:8080,"
          + " 'exec:/etc/nginx/check_nginx.sh'."
    })
final class ProbeCommand extends CliCommand {

  @Option(
      names = "--timeout",
      paramLabel = "T",
      description =
          "How long one probe may take, "
              + CliTypes.DURATION_FORMS
              + " (default: 5s once, the interval with --watch).")
  private Duration timeout;

  @Option(
      names = "--watch",
      description = "Probe on a schedule with rise/fall and print each transition (default: once).")
  private boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "T",
      description = "With --watch: how often each probe runs (default: 1s).")
  private Duration interval;

  @Option(
      names = "--rise",
      paramLabel = "N",
      description = "With --watch: passes in a row before a probe counts as up (default: 1).")
  private Integer rise;

  @Option(
      names = "--fall",
      paramLabel = "N",
      description = "With --watch: failures in a row before a probe counts as down (default: 1).")
  private Integer fall;

  @Option(
      names = "--for",
      paramLabel = "T",
      description = "With --watch: stop after this long (default: until interrupted).")
  private Duration runFor;

  @Parameters(
      paramLabel = "SPEC",
      arity = "0..*",
      description = "A probe, e.g. tcp:127.0.0.1:8080, process:nginx, memory:10%.")
  private List<String> specs = List.of();

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    if (specs.isEmpty()) {
      throw new UsageException("give at least one probe SPEC");
    }
    List<AsyncProbe> probes = new ArrayList<>();
    for (String spec : specs) {
      try {
        probes.add(Probes.parse(spec));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    if (!watch && (interval != null || rise != null || fall != null || runFor != null)) {
      throw new UsageException("--interval, --rise, --fall and --for go with --watch");
    }
    Duration every = interval == null ? Duration.ofSeconds(1) : interval;
    CheckSchedule schedule;
    try {
      schedule =
          CheckSchedule.builder()
              .interval(every)
              .timeout(timeout != null ? timeout : watch ? every : Duration.ofSeconds(5))
              .rise(CliTypes.within(rise == null ? 1 : rise, "--rise", 1, CheckSchedule.MAX_COUNT))
              .fall(CliTypes.within(fall == null ? 1 : fall, "--fall", 1, CheckSchedule.MAX_COUNT))
              .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try (HealthChecks checks = HealthChecks.create()) {
      return watch ? watch(checks, probes, schedule, out) : once(checks, probes, schedule, out);
    }
  }

  private int once(
      HealthChecks checks, List<AsyncProbe> probes, CheckSchedule schedule, PrintStream out)
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
      out.println(specs.get(i) + ": " + result + " in " + millis + " ms");
    }
    return allHealthy ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
  }

  private int watch(
      HealthChecks checks, List<AsyncProbe> probes, CheckSchedule schedule, PrintStream out)
      throws Exception {
    for (int i = 0; i < probes.size(); i++) {
      ScheduledProbe probe = checks.schedule(specs.get(i), probes.get(i), schedule);
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
}
