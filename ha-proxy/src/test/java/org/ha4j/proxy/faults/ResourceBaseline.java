package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.proxy.Proxy;
import org.junit.jupiter.api.Assertions;

/**
 * What this JVM holds before a fault, and the check that it is back there after it: open fds,
 * threads, Netty direct memory, and an idle CPU share. Taken after a warm-up through the same
 * proxy, so pools that keep what they grew to are part of the baseline; the one pool of descriptors
 * that may still grow (the splice relay's pipes, {@link Proxy#pooledPipes()}) is counted out by its
 * own figure, not by a slack.
 */
record ResourceBaseline(
    Proxy proxy, ProcessResources process, int pooledPipes, long nettyDirectMemory) {

  /**
   * Idle means below this share of one core; a loop spinning on a dead socket shows as about 1.0.
   */
  static final double IDLE_CPU_SHARE = 0.1;

  /** A measuring window: long enough that a spinning loop cannot hide, short enough for CI. */
  static final Duration CPU_WINDOW = Duration.ofSeconds(1);

  /**
   * Windows tried before the CPU check fails: JIT compilation or GC after a burst may take the
   * first ones.
   */
  static final int CPU_WINDOWS = 5;

  /**
   * What the allocator may hold above the baseline: Netty's adaptive allocator keeps the chunks it
   * grew to under concurrency (a pool, not a leak). A buffer never released is what leaks; Netty's
   * leak detector finds those ({@link #collectLeakedBuffers()}), and a leak per session would
   * outgrow this bound anyway.
   */
  static final long ALLOCATOR_SLACK = 2L << 20;

  private static final Duration SETTLE = Duration.ofSeconds(10);

  /** Linux's USER_HZ, the unit of /proc's utime and stime. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  static ResourceBaseline take(Proxy proxy) {
    return new ResourceBaseline(
        proxy, ProcessResources.self(), proxy.pooledPipes(), directMemory());
  }

  /**
   * Direct memory Netty holds: its own counter where Netty tracks direct memory itself, else what
   * the default allocator has taken from the system.
   */
  static long directMemory() {
    long counted = PlatformDependent.usedDirectMemory();
    if (counted >= 0) {
      return counted;
    }
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }

  /**
   * Fails unless fds, threads and direct memory return to this baseline and the process then idles.
   */
  void assertBackAfter(String fault) {
    long pid = process.pid();
    try {
      ProcessResources.awaitSettled(
          pid,
          now -> now.openFds() <= allowedFds(),
          SETTLE,
          fault
              + ": open fds back to "
              + process.openFds()
              + " + 2 x pipes pooled since ("
              + (proxy.pooledPipes() - pooledPipes)
              + ")");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + ProcessResources.fdTargets(pid), e);
    }
    ProcessResources.awaitSettled(
        pid,
        now -> now.threads() <= process.threads(),
        SETTLE,
        fault + ": threads back to " + process.threads());
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (directMemory() > nettyDirectMemory + ALLOCATOR_SLACK
        && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    assertThat(directMemory())
        .as(fault + ": Netty direct memory back to baseline")
        .isLessThanOrEqualTo(nettyDirectMemory + ALLOCATOR_SLACK);
    assertIdle(fault);
  }

  private int allowedFds() {
    return process.openFds() + 2 * Math.max(0, proxy.pooledPipes() - pooledPipes);
  }

  /**
   * Lets Netty's leak detector report buffers that were dropped without a release: a collection
   * makes them unreachable-and-enqueued, and the detector reports what it finds when the next
   * buffer is allocated.
   */
  static void collectLeakedBuffers() {
    System.gc();
    for (int i = 0; i < 8; i++) {
      ByteBufAllocator.DEFAULT.directBuffer(64).release();
    }
  }

  /** The CPU share of this process over an idle window stays below {@link #IDLE_CPU_SHARE}. */
  void assertIdle(String fault) {
    double share = 0;
    Map<String, Long> before = Map.of();
    for (int i = 0; i < CPU_WINDOWS; i++) {
      before = threadCpuTicks();
      share = ProcessResources.cpuShareOver(process.pid(), CPU_WINDOW);
      if (share - jitShare(before, threadCpuTicks()) < IDLE_CPU_SHARE) {
        return;
      }
    }
    Map<String, Long> after = threadCpuTicks();
    StringBuilder busiest = new StringBuilder();
    Map<String, Long> start = before;
    after.entrySet().stream()
        .sorted(
            (a, b) ->
                Long.compare(
                    b.getValue() - start.getOrDefault(b.getKey(), 0L),
                    a.getValue() - start.getOrDefault(a.getKey(), 0L)))
        .limit(5)
        .forEach(
            e ->
                busiest
                    .append("\n  ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue() - start.getOrDefault(e.getKey(), 0L))
                    .append(" ticks"));
    Assertions.fail(
        fault
            + ": CPU share over an idle "
            + CPU_WINDOW.toMillis()
            + " ms window is "
            + share
            + " of a core (bound "
            + IDLE_CPU_SHARE
            + ", "
            + CPU_WINDOWS
            + " windows tried): a loop spins;"
            + " busiest threads in the last window:"
            + busiest);
  }

  /**
   * The share of one core the JIT compiler threads took between two {@link #threadCpuTicks}
   * readings one {@link #CPU_WINDOW} apart: compiling what a heavy run made hot can go on for
   * seconds on a busy machine, and is no loop of the proxy's.
   */
  private static double jitShare(Map<String, Long> before, Map<String, Long> after) {
    long ticks = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      if (e.getKey().contains(" C1 CompilerThre") || e.getKey().contains(" C2 CompilerThre")) {
        ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
    }
    return ticks / (CLOCK_TICKS_PER_SECOND * (CPU_WINDOW.toMillis() / 1000.0));
  }

  /** utime + stime of each thread of this JVM, by "tid name". */
  private static Map<String, Long> threadCpuTicks() {
    Map<String, Long> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // no per-thread figures: the failure message goes without them
    }
    return out;
  }
}
