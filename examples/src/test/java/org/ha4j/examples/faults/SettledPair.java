package org.ha4j.examples.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.ha4j.core.testing.ProcessResources;

/**
 * What must hold for a master/backup pair once a fault has settled, whatever the fault was: exactly
 * one VIP holder (the preferred master), both processes alive with their open fds and threads back
 * to the baseline taken before any fault, both nearly idle, and logs without a stack trace or a
 * line repeated per packet.
 */
final class SettledPair {

  /**
   * Extra fds a node may hold after a fault: none leak, but a socket may be re-opened on the way.
   */
  static final int FD_SLACK = 2;

  /** Extra threads: the JIT may start a compiler thread after the baseline. */
  static final int THREAD_SLACK = 2;

  /**
   * Share of one core a settled node may use: an advert a second is far below it, a spinning loop
   * far above.
   */
  static final double IDLE_CPU_SHARE = 0.05;

  static final Duration IDLE_WINDOW = Duration.ofSeconds(2);

  /**
   * How often one kind of log line (digits aside) may appear during one fault: rate-limited, not
   * per packet.
   */
  static final int SAME_LINE_LIMIT = 3;

  /**
   * Lines that record a state change (one set per transition, bounded by the transitions
   * themselves).
   */
  private static final Pattern TRANSITION_RECORD =
      Pattern.compile("^STATE |Entering \\w+ STATE|added VIPs|removed VIPs");

  final FaultNode master;
  final FaultNode backup;
  private final ProcessResources masterBaseline;
  private final ProcessResources backupBaseline;

  private SettledPair(FaultNode master, FaultNode backup) {
    this.master = master;
    this.backup = backup;
    this.masterBaseline = ProcessResources.of(master.pid());
    this.backupBaseline = ProcessResources.of(backup.pid());
  }

  /** Takes the baseline of a pair that has just settled with {@code master} holding the VIP. */
  static SettledPair baseline(FaultNode master, FaultNode backup) throws IOException {
    SettledPair pair = new SettledPair(master, backup);
    pair.assertOneHolder(Duration.ofSeconds(10));
    return pair;
  }

  /** Marks both outputs at the start of a fault. */
  Marks mark() {
    return new Marks(master.mark(), backup.mark());
  }

  /**
   * Every invariant, after {@code fault} (named in failures); {@code marks} from before the fault.
   */
  void assertSettled(String fault, Marks marks) throws IOException {
    assertOneHolder(Duration.ofSeconds(10));
    for (FaultNode node : new FaultNode[] {master, backup}) {
      if (!node.process.isAlive()) {
        throw new AssertionError(fault + ": " + node + " died:\n" + node.process.output());
      }
    }
    ProcessResources.awaitSettled(
        master.pid(),
        back(masterBaseline),
        Duration.ofSeconds(10),
        fault + ": " + master + " back to " + masterBaseline);
    ProcessResources.awaitSettled(
        backup.pid(),
        back(backupBaseline),
        Duration.ofSeconds(10),
        fault + ": " + backup + " back to " + backupBaseline);
    assertIdle(fault);
    assertQuietLogs(fault, master, master.since(marks.master()));
    assertQuietLogs(fault, backup, backup.since(marks.backup()));
  }

  /** Waits until the master, and only the master, holds the VIP. */
  void assertOneHolder(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean masterHolds = master.holdsVip();
      boolean backupHolds = backup.holdsVip();
      if (masterHolds && !backupHolds) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "not exactly one VIP holder within "
                + timeout
                + ": "
                + master
                + " holds="
                + masterHolds
                + ", "
                + backup
                + " holds="
                + backupHolds);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private static java.util.function.Predicate<ProcessResources> back(ProcessResources baseline) {
    return now ->
        now.openFds() <= baseline.openFds() + FD_SLACK
            && now.threads() <= baseline.threads() + THREAD_SLACK;
  }

  /**
   * Both nodes over one shared window: measuring them one after the other would double the wait.
   */
  private void assertIdle(String fault) {
    ProcessResources masterBefore = ProcessResources.of(master.pid());
    ProcessResources backupBefore = ProcessResources.of(backup.pid());
    long start = System.nanoTime();
    long end = start + IDLE_WINDOW.toNanos();
    // a measurement window, not a wait for an event: it has to pass in full
    for (long now = start; now < end; now = System.nanoTime()) {
      LockSupport.parkNanos(end - now);
    }
    double elapsed = System.nanoTime() - start;
    double masterShare =
        (ProcessResources.of(master.pid()).cpuNanos() - masterBefore.cpuNanos()) / elapsed;
    double backupShare =
        (ProcessResources.of(backup.pid()).cpuNanos() - backupBefore.cpuNanos()) / elapsed;
    if (masterShare > IDLE_CPU_SHARE || backupShare > IDLE_CPU_SHARE) {
      throw new AssertionError(
          String.format(
              "%s: not idle after the fault: %s %.3f, %s %.3f of a core (limit %.2f)",
              fault, master, masterShare, backup, backupShare, IDLE_CPU_SHARE));
    }
  }

  /**
   * No stack trace (an expected network fault is a condition, not an exception) and no line
   * repeated beyond {@link #SAME_LINE_LIMIT}, digits aside, apart from the records of each state
   * change.
   */
  static void assertQuietLogs(String fault, FaultNode node, String output) {
    if (output.contains("Exception") || output.contains("\tat ")) {
      throw new AssertionError(fault + ": " + node + " logged a stack trace:\n" + output);
    }
    Map<String, Integer> shapes = new HashMap<>();
    for (String line : output.split("\n")) {
      if (line.isBlank() || TRANSITION_RECORD.matcher(line).find()) {
        continue;
      }
      String shape = line.replaceAll("\\d+", "#");
      int count = shapes.merge(shape, 1, Integer::sum);
      if (count > SAME_LINE_LIMIT) {
        throw new AssertionError(
            fault
                + ": "
                + node
                + " repeated '"
                + shape
                + "' more than "
                + SAME_LINE_LIMIT
                + " times (not rate-limited):\n"
                + output);
      }
    }
  }

  /** Output positions of both nodes at the start of a fault. */
  record Marks(int master, int backup) {}
}
