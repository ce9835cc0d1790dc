package org.ha4j.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthListener;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe on the shared scheduler. Every field below except {@link #lastResult} and the
 * signal is touched only on the scheduler thread, which is what lets it go without locks.
 *
 * <p>Timing follows keepalived's {@code vrrp_script_thread()}: the next run is armed before this
 * one starts (start-to-start interval), and a run is skipped while the previous one is still within
 * its timeout. A run that outlives its timeout is cancelled and counted as a failure; if it still
 * has not returned by the next tick, that tick counts as another failure ("still running"), so a
 * probe that hangs for good goes DOWN after {@code fall} ticks instead of freezing the state.
 */
final class ProbeRunner implements ScheduledProbe {

  private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);

  private final String name;
  private final AsyncProbe probe;
  private final CheckSchedule schedule;
  private final Scheduler scheduler;
  private final Executor blockingExecutor;
  private final RandomGenerator random;
  private final Consumer<ProbeRunner> onClosed;
  private final HealthSignal signal;
  private final RiseFallCounter counter;
  private final ProbeCounters counts = new ProbeCounters();

  private Scheduler.Timer nextTick;
  private Attempt inFlight;
  private boolean closed;
  private volatile ProbeResult lastResult;

  ProbeRunner(
      String name,
      AsyncProbe probe,
      CheckSchedule schedule,
      Scheduler scheduler,
      Executor blockingExecutor,
      RandomGenerator random,
      Consumer<ProbeRunner> onClosed) {
    this.name = Objects.requireNonNull(name, "name");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.scheduler = scheduler;
    this.blockingExecutor = blockingExecutor;
    this.random = random;
    this.onClosed = onClosed;
    this.counter = new RiseFallCounter(schedule.rise(), schedule.fall(), schedule.initiallyDown());
    this.signal =
        schedule.initiallyDown()
            ? HealthSignal.down(name, "no result yet (initially down)")
            : new HealthSignal(name, Health.up("no result yet"));
  }

  void start() {
    scheduler.execute(
        () -> {
          if (!closed) {
            nextTick = scheduler.schedule(firstDelay(), this::tick);
          }
        });
  }

  private Duration firstDelay() {
    long jitter = schedule.jitter().toNanos();
    // Spread the first runs of many probes started together (HAProxy's spread-checks idea).
    return jitter == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(0, jitter + 1));
  }

  private Duration nextDelay() {
    long interval = schedule.interval().toNanos();
    long jitter = schedule.jitter().toNanos();
    return Duration.ofNanos(
        jitter == 0 ? interval : interval + random.nextLong(-jitter, jitter + 1));
  }

  private void tick() {
    if (closed) {
      return;
    }
    nextTick = scheduler.schedule(nextDelay(), this::tick);
    if (inFlight != null) {
      if (!inFlight.concluded) {
        log.debug("{}: previous run still within its timeout, skipping this one", name);
        return;
      }
      Duration hung = Duration.ofNanos(scheduler.nanoTime() - inFlight.startNanos);
      counts.result(ProbeFailure.STILL_RUNNING);
      record(
          ProbeResult.failed(
              "previous run still running after " + seconds(hung) + " (it ignores cancellation)"),
          hung);
      return;
    }
    Attempt attempt =
        new Attempt(
            scheduler.nanoTime(), ProbeContext.of(schedule.timeout(), scheduler, blockingExecutor));
    inFlight = attempt;
    CompletionStage<ProbeResult> stage;
    try {
      stage = Objects.requireNonNull(probe.start(attempt.context), "probe returned a null stage");
    } catch (RuntimeException | Error e) {
      inFlight = null;
      conclude(attempt, ProbeResult.failed(e), ProbeFailure.PROBE_ERROR);
      return;
    }
    attempt.timeoutTimer = scheduler.schedule(schedule.timeout(), () -> timedOut(attempt));
    stage.whenComplete(
        (result, failure) -> {
          attempt.finished.complete(null);
          scheduler.execute(() -> completed(attempt, result, failure));
        });
  }

  private void timedOut(Attempt attempt) {
    if (attempt.concluded) {
      return;
    }
    conclude(
        attempt,
        ProbeResult.failed("timed out after " + seconds(schedule.timeout())),
        ProbeFailure.TIMEOUT);
    attempt.context.cancel();
  }

  private void completed(Attempt attempt, ProbeResult result, Throwable failure) {
    if (inFlight == attempt) {
      inFlight = null;
    }
    if (attempt.concluded || closed) {
      return; // already counted as timed out, or nobody listens any more
    }
    if (attempt.timeoutTimer != null) {
      attempt.timeoutTimer.cancel();
    }
    if (failure != null) {
      conclude(attempt, ProbeResult.failed(unwrap(failure)), ProbeFailure.FAILED);
    } else if (result == null) {
      conclude(
          attempt,
          ProbeResult.failed("probe completed without a result"),
          ProbeFailure.PROBE_ERROR);
    } else {
      conclude(attempt, result, result.healthy() ? null : ProbeFailure.FAILED);
    }
  }

  /**
   * @param failure why the run failed, null when it was healthy
   */
  private void conclude(Attempt attempt, ProbeResult result, ProbeFailure failure) {
    attempt.concluded = true;
    Duration latency = Duration.ofNanos(scheduler.nanoTime() - attempt.startNanos);
    counts.run(failure, latency.toNanos());
    record(result, latency);
  }

  private void record(ProbeResult result, Duration latency) {
    lastResult = result;
    HealthStatus before = counter.status();
    HealthStatus after = counter.record(result.healthy());
    String cause = result.detail();
    if (after != (result.healthy() ? HealthStatus.UP : HealthStatus.DOWN)) {
      // Status held by rise/fall while the results say otherwise: say so.
      int top = schedule.rise() + schedule.fall() - 1;
      cause =
          (result.healthy()
                  ? "recovering " + counter.counter() + " of " + schedule.rise()
                  : "failing " + (top - counter.counter()) + " of " + schedule.fall())
              + ": "
              + (cause.isEmpty() ? result.toString() : cause);
    }
    if (before != after) {
      log.info(
          "{}: {} -> {} ({}, {} ms)", name, before, after, result.detail(), latency.toMillis());
    }
    signal.set(new Health(after, cause, latency));
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Health current() {
    return signal.current();
  }

  @Override
  public Subscription subscribe(HealthListener listener) {
    // Listeners hear the runner, not the signal inside it.
    Objects.requireNonNull(listener, "listener");
    return signal.subscribe(
        (source, previous, current) -> listener.onHealthChanged(this, previous, current));
  }

  @Override
  public CheckSchedule schedule() {
    return schedule;
  }

  @Override
  public Optional<ProbeResult> lastResult() {
    return Optional.ofNullable(lastResult);
  }

  @Override
  public ProbeStats stats() {
    return counts.snapshot();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops scheduling and cancels the run in flight.
   *
   * @return completes when the run in flight (if any) has finished, e.g. a killed script's tree is
   *     reaped
   */
  CompletableFuture<Void> stop() {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (!closed) {
            closed = true;
            if (nextTick != null) {
              nextTick.cancel();
            }
            onClosed.accept(this);
          }
          Attempt running = inFlight;
          if (running == null) {
            stopped.complete(null);
          } else {
            running.finished.whenComplete((r, t) -> stopped.complete(null));
            running.context.cancel();
          }
        });
    return stopped;
  }

  @Override
  public String toString() {
    return name + "=" + current() + " [" + counter + "]";
  }

  private static final class Attempt {
    final long startNanos;
    final ProbeContext context;
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    Scheduler.Timer timeoutTimer;
    boolean concluded;

    Attempt(long startNanos, ProbeContext context) {
      this.startNanos = startNanos;
      this.context = context;
    }
  }
}
