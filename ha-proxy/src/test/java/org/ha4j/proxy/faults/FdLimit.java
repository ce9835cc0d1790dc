package org.ha4j.proxy.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;

/**
 * This JVM's open-file limit (RLIMIT_NOFILE), changed with {@code prlimit} on this process only and
 * restored on close.
 */
final class FdLimit implements AutoCloseable {

  private final long soft;
  private final long hard;
  private final boolean changed;

  private FdLimit(long soft, long hard, boolean changed) {
    this.soft = soft;
    this.hard = hard;
    this.changed = changed;
  }

  /** {soft, hard} of "Max open files" in /proc/self/limits. */
  static long[] current() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return new long[] {parse(f[0]), parse(f[1])};
      }
    }
    throw new IOException("/proc/self/limits has no 'Max open files' line");
  }

  /**
   * At least {@code n} descriptors until closed; raising the hard limit needs root (skips without
   * it).
   */
  static FdLimit atLeast(long n) throws IOException, InterruptedException {
    long[] now = current();
    if (now[0] >= n) {
      return new FdLimit(now[0], now[1], false);
    }
    if (now[1] < n) {
      Privileges.assumeRoot("raising the open file limit to " + n + " (hard limit " + now[1] + ")");
    }
    set(n, Math.max(n, now[1]));
    return new FdLimit(now[0], now[1], true);
  }

  /** A soft limit of {@code soft} (below the current one) until closed. */
  static FdLimit lowered(long soft) throws IOException, InterruptedException {
    long[] now = current();
    set(soft, now[1]);
    return new FdLimit(now[0], now[1], true);
  }

  @Override
  public void close() throws IOException {
    if (!changed) {
      return;
    }
    try {
      set(soft, hard);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted restoring the open file limit", e);
    }
  }

  private static long parse(String value) {
    return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
  }

  private static void set(long soft, long hard) throws IOException, InterruptedException {
    String limit = text(soft) + ":" + text(hard);
    Process p =
        new ProcessBuilder(
                "prlimit",
                "--pid",
                Long.toString(ProcessHandle.current().pid()),
                "--nofile=" + limit)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("prlimit --nofile=" + limit + " failed: " + output);
    }
  }

  private static String text(long limit) {
    return limit == Long.MAX_VALUE ? "unlimited" : Long.toString(limit);
  }
}
