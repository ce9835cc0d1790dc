package org.ha4j.health.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.config.CommandLine;
import org.ha4j.health.AsyncProbe;

/**
 * Runs a script or command as a check, with keepalived {@code vrrp_script} semantics: exit status 0
 * is healthy, anything else (including death by a signal) is not.
 *
 * <pre>{@code
 * AsyncProbe checkNginx = ExecProbe.builder("/etc/nginx/check_nginx.sh").build();
 * }</pre>
 *
 * <p>What it adds over keepalived, so that no process is ever left behind:
 *
 * <ul>
 *   <li>The script runs in a session and process group of its own ({@code setsid(1)} when
 *       installed).
 *   <li>When the scheduler's timeout passes, the whole tree gets SIGTERM, and SIGKILL {@link
 *       #DEFAULT_KILL_GRACE 2 s} later (keepalived's order and delay); the tree is the process
 *       group plus every descendant seen through {@link ProcessHandle#descendants()} and {@code
 *       /proc}.
 *   <li>When the script exits, anything it left running in its session gets the same treatment: a
 *       check has no business leaving processes behind. (A daemon that made a session of its own is
 *       left alone.)
 *   <li>The JVM becomes a child subreaper (Linux {@code PR_SET_CHILD_SUBREAPER}) so the orphans
 *       killed above are reaped here rather than becoming zombies under a PID 1 that never reaps
 *       (common in containers). Turn off with {@link Builder#reapOrphans(boolean)} if other code in
 *       the JVM relies on orphans going to PID 1.
 *   <li>Output (stdout and stderr together) is kept up to a bound and shown in the result's detail.
 *   <li>The result completes only when the tree is gone, so a run is never counted as finished
 *       while parts of it still live.
 * </ul>
 */
public final class ExecProbe {

  /**
   * keepalived's delay between SIGTERM and SIGKILL for a timed-out script ({@code
   * vrrp_scheduler.c}).
   */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  /** How much output is kept by default. */
  public static final int DEFAULT_OUTPUT_LIMIT = 4096;

  /** The largest output bound accepted. */
  public static final int MAX_OUTPUT_LIMIT = 1 << 20;

  private ExecProbe() {}

  /**
   * A probe running {@code commandLine}, split into words as keepalived does (see {@link
   * CommandLine}).
   */
  public static Builder builder(String commandLine) {
    return new Builder(CommandLine.split(Objects.requireNonNull(commandLine, "commandLine")));
  }

  /** A probe running the given program and arguments, with no splitting. */
  public static Builder builder(List<String> argv) {
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("the command needs at least a program name");
    }
    return new Builder(List.copyOf(argv));
  }

  /** Where {@code setsid(1)} is installed, or null. */
  static String findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  public static final class Builder {
    private final List<String> argv;
    private int outputLimit = DEFAULT_OUTPUT_LIMIT;
    private Duration killGrace = DEFAULT_KILL_GRACE;
    private Path directory;
    private boolean reapOrphans = true;

    private Builder(List<String> argv) {
      this.argv = argv;
    }

    /** Bytes of output kept for the result's detail: 0 to {@value ExecProbe#MAX_OUTPUT_LIMIT}. */
    public Builder outputLimit(int bytes) {
      if (bytes < 0 || bytes > MAX_OUTPUT_LIMIT) {
        throw new IllegalArgumentException(
            "outputLimit must be 0-" + MAX_OUTPUT_LIMIT + " bytes, got " + bytes);
      }
      this.outputLimit = bytes;
      return this;
    }

    /** The wait between SIGTERM and SIGKILL: 0 to 60 s, default 2 s. */
    public Builder killGrace(Duration grace) {
      if (grace.isNegative() || grace.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("killGrace must be 0-60 s, got " + grace);
      }
      this.killGrace = grace;
      return this;
    }

    /** The script's working directory; the JVM's by default. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Whether the JVM becomes a child subreaper to reap the script's orphans; default true. */
    public Builder reapOrphans(boolean reap) {
      this.reapOrphans = reap;
      return this;
    }

    public AsyncProbe build() {
      return new ScriptProbe(
          argv,
          outputLimit,
          killGrace,
          directory,
          reapOrphans,
          findSetsid(),
          ProcessControl.system(),
          ProcFs.SYSTEM);
    }
  }
}
