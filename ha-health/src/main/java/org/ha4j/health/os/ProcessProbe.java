package org.ha4j.health.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ha4j.health.AsyncProbe;

/**
 * Is a process alive? What {@code check_nginx.sh} meant to ask, asked of {@code /proc} directly.
 *
 * <pre>{@code
 * AsyncProbe nginx = ProcessProbe.named("nginx").build();
 * AsyncProbe byPid = ProcessProbe.pidFile(Path.of("/run/nginx.pid")).expectName("nginx").build();
 * }</pre>
 *
 * <p>The reference deployment's {@code ps -ef | grep nginx | egrep -cv "grep|$$"} counts lines of
 * text that mention nginx, so it also counts its own {@code $(...)} subshell (whose command line is
 * {@code /bin/sh /etc/nginx/check_nginx.sh}, with a pid other than {@code $$}) and never reaches 0.
 * A process probe matches the process name itself ({@code /proc/PID/comm}), never counts this JVM
 * or a script this JVM is running as a check, and ignores zombies, which are dead.
 */
public final class ProcessProbe {

  /**
   * Linux keeps at most this many characters of a process name in {@code comm} (TASK_COMM_LEN - 1).
   */
  static final int COMM_LENGTH = 15;

  private ProcessProbe() {}

  /**
   * Processes whose name is exactly {@code name}: {@code /proc/PID/comm}, the name the kernel knows
   * a process by (what {@code pgrep} matches; nginx's workers keep {@code nginx} though their title
   * changes). Linux cuts it at 15 characters; a longer name is confirmed against the program in
   * {@code /proc/PID/cmdline}.
   */
  public static CountBuilder named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException(
          "a process name is a non-empty file name without '/', got '" + name + "'");
    }
    return new CountBuilder(ProcessMatcher.byName(name));
  }

  /**
   * Processes whose command line (arguments joined by spaces) contains a match for {@code pattern}.
   */
  public static CountBuilder commandLineMatching(Pattern pattern) {
    return new CountBuilder(
        ProcessMatcher.byCommandLine(Objects.requireNonNull(pattern, "pattern")));
  }

  /**
   * The process whose id a pid file holds. A missing file is a failed check (services remove it
   * when they stop); a path that exists but cannot be read as a file is a configuration error,
   * reported at once.
   *
   * @throws UnreadablePidFileException if {@code path} exists but is a directory or is not readable
   */
  public static PidFileBuilder pidFile(Path path) {
    Objects.requireNonNull(path, "path");
    if (Files.exists(path) && (!Files.isRegularFile(path) || !Files.isReadable(path))) {
      throw new UnreadablePidFileException(
          path,
          Files.isDirectory(path) ? "it is a directory" : "it is not a readable regular file");
    }
    return new PidFileBuilder(path);
  }

  public static final class CountBuilder {
    private final ProcessMatcher matcher;
    private int minimum = 1;

    private CountBuilder(ProcessMatcher matcher) {
      this.matcher = matcher;
    }

    /** How many matching processes make the check healthy: 1 to 100000, default 1. */
    public CountBuilder atLeast(int count) {
      if (count < 1 || count > 100_000) {
        throw new IllegalArgumentException("atLeast must be 1-100000, got " + count);
      }
      this.minimum = count;
      return this;
    }

    public AsyncProbe build() {
      return AsyncProbe.blocking(new ProcessCountProbe(matcher, minimum, ProcFs.SYSTEM));
    }
  }

  public static final class PidFileBuilder {
    private final Path path;
    private String expectedName;

    private PidFileBuilder(Path path) {
      this.path = path;
    }

    /**
     * Also require the process to have this name, so a recycled pid does not pass for the service.
     */
    public PidFileBuilder expectName(String name) {
      this.expectedName = Objects.requireNonNull(name, "name");
      return this;
    }

    public AsyncProbe build() {
      return AsyncProbe.blocking(
          new PidFileProbe(
              path,
              expectedName == null ? null : ProcessMatcher.byName(expectedName),
              ProcFs.SYSTEM));
    }
  }
}
