package org.ha4j.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.ha4j.core.time.Scheduler;
import org.ha4j.core.time.SystemScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs probes on one small shared scheduler: every probe's timers live on one {@link Scheduler}
 * thread, and probes that block run on one bounded executor, where the scheduler times them out.
 * There is no thread per probe, and a probe that hangs or throws is a failed result that stalls
 * nothing else.
 *
 * <pre>{@code
 * try (HealthChecks checks = HealthChecks.create()) {
 *     ScheduledProbe web = checks.schedule("web", Probes.tcp("127.0.0.1", 8080),
 *             CheckSchedule.builder().interval(Duration.ofSeconds(2)).fall(3).rise(2).build());
 *     web.subscribe((source, before, now) -> log.info("{} is {}", source.name(), now));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Closing stops every probe it scheduled and, if it created them, its scheduler and
 * executor.
 */
public final class HealthChecks implements AutoCloseable {

  /**
   * Default size of the blocking executor: enough for a handful of scripts and connects at once.
   */
  public static final int DEFAULT_BLOCKING_THREADS = 8;

  /**
   * How long {@link #close()} waits for runs in flight: a script's SIGTERM grace and reaping, with
   * room.
   */
  public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

  private final Scheduler scheduler;
  private final Executor blockingExecutor;
  private final RandomGenerator random;
  private final SystemScheduler ownedScheduler;
  private final ExecutorService ownedExecutor;
  private final Set<ProbeRunner> running = ConcurrentHashMap.newKeySet();

  private HealthChecks(Builder builder) {
    if (builder.scheduler == null) {
      SystemScheduler own = new SystemScheduler("ha4j-health");
      this.scheduler = own;
      this.ownedScheduler = own;
    } else {
      this.scheduler = builder.scheduler;
      this.ownedScheduler = null;
    }
    if (builder.blockingExecutor == null) {
      ExecutorService own = newBoundedExecutor(builder.blockingThreads);
      this.blockingExecutor = own;
      this.ownedExecutor = own;
    } else {
      this.blockingExecutor = builder.blockingExecutor;
      this.ownedExecutor = null;
    }
    this.random = builder.random == null ? new SplittableRandom() : builder.random;
  }

  /**
   * A scheduler thread named {@code ha4j-health}, {@value #DEFAULT_BLOCKING_THREADS} blocking
   * threads.
   */
  public static HealthChecks create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts running {@code probe} on {@code schedule}. The first run is now (or within the jitter).
   *
   * @param name the source's name in logs and status, e.g. {@code check_nginx}
   */
  public ScheduledProbe schedule(String name, AsyncProbe probe, CheckSchedule schedule) {
    ProbeRunner runner =
        new ProbeRunner(
            name, probe, schedule, scheduler, blockingExecutor, random, running::remove);
    running.add(runner);
    runner.start();
    return runner;
  }

  /** Like {@link #schedule}, for a probe that blocks: it runs on the bounded executor. */
  public ScheduledProbe scheduleBlocking(String name, Probe probe, CheckSchedule schedule) {
    return schedule(name, AsyncProbe.blocking(probe), schedule);
  }

  /** The probes running now (scheduled and not closed), in no particular order. */
  public List<ScheduledProbe> probes() {
    return List.copyOf(running);
  }

  /** The one scheduler every probe's timers run on. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The bounded executor blocking probes run on. */
  public Executor blockingExecutor() {
    return blockingExecutor;
  }

  /**
   * Stops every probe; if this object created the scheduler, first waits (at most {@link
   * #CLOSE_WAIT}) for the runs in flight to finish, so a script being killed is reaped before the
   * timers stop.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (ProbeRunner runner : running) {
      stopping.add(runner.stop());
    }
    if (ownedScheduler != null) {
      boolean onSchedulerThread = ownedScheduler.inSchedulerThread();
      if (!onSchedulerThread) {
        try {
          CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
              .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          log.warn("probes still running after {}; stopping the scheduler anyway", CLOSE_WAIT);
        }
      }
      ownedScheduler.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private static ExecutorService newBoundedExecutor(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1024),
            runnable -> {
              Thread thread = new Thread(runnable, "ha4j-probe-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Configures a {@link HealthChecks}; anything left unset is created and owned by it. */
  public static final class Builder {
    private Scheduler scheduler;
    private Executor blockingExecutor;
    private RandomGenerator random;
    private int blockingThreads = DEFAULT_BLOCKING_THREADS;

    private Builder() {}

    /**
     * The clock and timers, e.g. a {@link org.ha4j.core.time.VirtualScheduler} in tests. Not
     * closed.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where blocking probes run. Not shut down by {@link HealthChecks#close()}. */
    public Builder blockingExecutor(Executor executor) {
      this.blockingExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The size of the executor created when none is given: 1 to 256. */
    public Builder blockingThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("blockingThreads must be 1-256, got " + threads);
      }
      this.blockingThreads = threads;
      return this;
    }

    /**
     * The source of jitter; pass a seeded generator to make a run repeatable. Used on the scheduler
     * thread.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public HealthChecks build() {
      return new HealthChecks(this);
    }
  }
}
