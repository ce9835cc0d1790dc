package org.ha4j.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * What a process holds, read from {@code /proc/PID}: open file descriptors, threads and the CPU
 * time it has used. The fault suite takes one before a fault and compares after it, so a leak or a
 * spinning loop fails a test even when every request was still answered.
 *
 * @param pid the process
 * @param openFds entries in {@code /proc/PID/fd}
 * @param threads the {@code Threads:} line of {@code /proc/PID/status}
 * @param cpuNanos user + system CPU time so far ({@code utime + stime} of {@code /proc/PID/stat})
 */
public record ProcessResources(long pid, int openFds, int threads, long cpuNanos) {

  /** Kernel clock ticks per second for {@code /proc/PID/stat}; 100 on every Linux this runs on. */
  private static final long TICKS_PER_SECOND = 100;

  /** A snapshot of this JVM. */
  public static ProcessResources self() {
    return of(ProcessHandle.current().pid());
  }

  /** A snapshot of {@code pid}; fails the test when the process is gone. */
  public static ProcessResources of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      return new ProcessResources(
          pid,
          countFds(proc.resolve("fd")),
          threads(proc.resolve("status")),
          cpuNanos(proc.resolve("stat")));
    } catch (NoSuchFileException e) {
      throw new AssertionError("process " + pid + " is gone");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The share of one core that {@code pid} used over {@code window} (1.0 = one core busy all
   * along). An idle proxy or node stays near 0; a loop spinning on a dead socket shows as about
   * 1.0.
   */
  public static double cpuShareOver(long pid, Duration window) {
    ProcessResources before = of(pid);
    long start = System.nanoTime();
    long end = start + window.toNanos();
    // the window is a measurement, not a wait for an event: it has to pass in full
    for (long now = start; now < end; now = System.nanoTime()) {
      LockSupport.parkNanos(end - now);
    }
    ProcessResources after = of(pid);
    return (double) (after.cpuNanos - before.cpuNanos) / (System.nanoTime() - start);
  }

  /**
   * Polls {@code pid} until {@code settled} holds, for at most {@code timeout}; fails with the last
   * snapshot and {@code what}. Sockets close asynchronously after a fault, so a bounded await, not
   * one read.
   */
  public static ProcessResources awaitSettled(
      long pid, Predicate<ProcessResources> settled, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ProcessResources now = of(pid);
      if (settled.test(now)) {
        return now;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "not settled within "
                + timeout
                + ": "
                + what
                + "; now "
                + now
                + (pid == ProcessHandle.current().pid() ? "" : "\n" + fdTargets(pid)));
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /**
   * Waits until the open fds of {@code pid} are back to at most {@code baseline}'s plus {@code
   * slack}.
   */
  public static ProcessResources awaitFdsBackTo(
      ProcessResources baseline, int slack, Duration timeout) {
    return awaitSettled(
        baseline.pid,
        now -> now.openFds <= baseline.openFds + slack,
        timeout,
        "open fds back to " + baseline.openFds + " (+" + slack + ")");
  }

  /** What each open fd of {@code pid} points at, for a failure message that shows what leaked. */
  public static String fdTargets(long pid) {
    StringBuilder out = new StringBuilder("open fds of " + pid + ":");
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          out.append("\n  ")
              .append(fd.getFileName())
              .append(" -> ")
              .append(Files.readSymbolicLink(fd));
        } catch (IOException e) {
          // closed while we listed it
        }
      }
    } catch (IOException e) {
      out.append(" unreadable: ").append(e.getMessage());
    }
    return out.toString();
  }

  private static int countFds(Path fdDir) throws IOException {
    int count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path ignored : fds) {
        count++;
      }
    }
    // reading our own fd directory holds one descriptor open for the listing itself
    return fdDir.startsWith(Path.of("/proc", Long.toString(ProcessHandle.current().pid())))
        ? count - 1
        : count;
  }

  private static int threads(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).strip());
      }
    }
    throw new IOException(status + " has no Threads: line");
  }

  private static long cpuNanos(Path stat) throws IOException {
    String text = Files.readString(stat);
    // the command name in parentheses may hold spaces: fields are counted after its closing ')'
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    long ticks =
        Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }
}
