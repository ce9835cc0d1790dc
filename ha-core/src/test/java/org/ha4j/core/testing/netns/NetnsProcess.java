package org.ha4j.core.testing.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process started in a namespace by {@link NetnsHost#start}: its PID, its log, signals by PID.
 */
public final class NetnsProcess {

  private final String host;
  private final Process process;
  private final Path log;

  NetnsProcess(String host, Process process, Path log) {
    this.host = host;
    this.process = process;
    this.log = log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Everything the process wrote so far (stdout and stderr). */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Waits until the output satisfies {@code condition}, failing with the output when {@code
   * timeout} passes or the process dies first.
   */
  public String awaitOutput(Predicate<String> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String output = output();
      if (condition.test(output)) {
        return output;
      }
      if (!process.isAlive()) {
        output = output();
        if (condition.test(output)) {
          return output;
        }
        throw new AssertionError(
            host
                + " (pid "
                + pid()
                + ") exited "
                + process.exitValue()
                + " before "
                + what
                + "; output:\n"
                + output);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            host
                + " (pid "
                + pid()
                + "): no "
                + what
                + " within "
                + timeout
                + "; output:\n"
                + output);
      }
      pause();
    }
  }

  /**
   * Watches the output for {@code window} and fails as soon as {@code forbidden} appears in it: for
   * "nothing happens while ..." claims, such as a backup staying backup while adverts keep coming.
   */
  public void assertNeverOutputs(String forbidden, Duration window) {
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String output = output();
      if (output.contains(forbidden)) {
        throw new AssertionError(
            host
                + " (pid "
                + pid()
                + ") printed '"
                + forbidden
                + "' within "
                + window
                + "; output:\n"
                + output);
      }
      pause();
    }
  }

  /** Sends a signal by PID, e.g. "TERM" or "KILL" (only to this process, never by name). */
  public void signal(String signal) throws IOException {
    NetnsLan.run(List.of("kill", "-" + signal, Long.toString(pid())), null, Duration.ofSeconds(5));
  }

  /** SIGKILL, without letting the process clean up: a crash. */
  public void crash() throws IOException {
    signal("KILL");
  }

  /**
   * SIGKILL to the process and every descendant, children first (keepalived's VRRP child would
   * otherwise notice its parent's death and resign gracefully): a host crash as far as VRRP can
   * tell.
   */
  public void crashTree() throws IOException {
    for (ProcessHandle child : process.descendants().toList()) {
      NetnsLan.run(
          List.of("kill", "-KILL", Long.toString(child.pid())), null, Duration.ofSeconds(5));
    }
    crash();
  }

  /** Waits for the process to exit; returns its exit code, or fails after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            host
                + " (pid "
                + pid()
                + ") still running after "
                + timeout
                + "; output:\n"
                + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  /** Kills the process and its descendants (keepalived forks a VRRP child) by PID. Idempotent. */
  void kill() {
    List<ProcessHandle> descendants = process.descendants().toList();
    for (ProcessHandle child : descendants) {
      child.destroyForcibly();
    }
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause() {
    // A polling interval for an external process's log file, not synchronisation between threads of
    // ours.
    try {
      TimeUnit.MILLISECONDS.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return host + "#" + pid();
  }
}
