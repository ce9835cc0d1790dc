package org.ha4j.examples.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ha4j.health.track.TrackScript;
import org.ha4j.health.track.VrrpScript;
import picocli.CommandLine.Option;

/**
 * One {@code --track-script CMD} and the {@code --track-*} modifiers after it: keepalived's {@code
 * vrrp_script} + {@code track_script}. Repeatable as a group; each modifier applies to the {@code
 * --track-script} before it.
 */
final class TrackScriptFlags {

  private static final Set<String> MODIFIERS =
      Set.of(
          "--track-weight", "--track-interval", "--track-timeout", "--track-rise", "--track-fall");

  @Option(
      names = "--track-script",
      paramLabel = "CMD",
      description =
          "Run CMD as a keepalived vrrp_script and track it; repeatable, each --track-* flag"
              + " after it applies to it (default: none).")
  String command;

  @Option(
      names = "--track-weight",
      paramLabel = "W",
      description =
          "-253 to 253: 0 = FAULT while failing, >0 added to the priority while it passes, <0"
              + " added while it fails (default: 0).")
  Integer weight;

  @Option(
      names = "--track-interval",
      paramLabel = "T",
      description = "How often the script runs, " + CliTypes.DURATION_FORMS + " (default: 1s).")
  Duration interval;

  @Option(
      names = "--track-timeout",
      paramLabel = "T",
      description = "How long one run may take (default: the interval).")
  Duration timeout;

  @Option(
      names = "--track-rise",
      paramLabel = "N",
      description = "Passes in a row before it counts as up (default: 1).")
  Integer rise;

  @Option(
      names = "--track-fall",
      paramLabel = "N",
      description = "Failures in a row before it counts as down (default: 1).")
  Integer fall;

  /**
   * The scripts the groups describe, named after their programs as {@link TrackScript} names them,
   * with its ranges.
   *
   * @param given the command line as typed: the groups lose the order a modifier had
   * @throws UsageException for a modifier before any {@code --track-script} or given twice for one,
   *     or a value outside its range
   */
  static List<VrrpScript> scripts(List<TrackScriptFlags> groups, List<String> given)
      throws UsageException {
    checkOrder(given);
    List<String> flags = new ArrayList<>();
    for (TrackScriptFlags group : groups) {
      flags.addAll(List.of("--track-script", group.command));
      add(flags, "--track-weight", group.weight);
      add(flags, "--track-interval", seconds(group.interval));
      add(flags, "--track-timeout", seconds(group.timeout));
      add(flags, "--track-rise", group.rise);
      add(flags, "--track-fall", group.fall);
    }
    try {
      return TrackScript.parseFlags(flags).scripts();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static void checkOrder(List<String> given) throws UsageException {
    String script = null;
    Set<String> seen = new HashSet<>();
    for (String arg : given) {
      if (arg.equals("--")) {
        return;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (name.equals("--track-script")) {
        script = arg;
        seen.clear();
      } else if (MODIFIERS.contains(name)) {
        if (script == null) {
          throw new UsageException(name + " must follow a --track-script");
        }
        if (!seen.add(name)) {
          throw new UsageException(name + " given twice for one --track-script");
        }
      }
    }
  }

  private static void add(List<String> flags, String name, Object value) {
    if (value != null) {
      flags.addAll(List.of(name, value.toString()));
    }
  }

  /** Decimal seconds to the microsecond, the form {@link TrackScript} reads. */
  private static String seconds(Duration duration) {
    if (duration == null) {
      return null;
    }
    long micros = duration.toNanos() / 1_000;
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
  }
}
