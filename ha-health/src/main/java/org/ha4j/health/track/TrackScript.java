package org.ha4j.health.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ha4j.core.config.CommandLine;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.health.os.ExecProbe;

/**
 * Turns keepalived {@code vrrp_script} definitions, from keepalived.conf or from command-line
 * flags, into running health sources a VRRP instance can track.
 *
 * <p>For the {@code node} command:
 *
 * <pre>{@code
 * TrackScript.Flags flags = TrackScript.parseFlags(args);      // takes out every --track-* flag
 * Flags rest = Flags.parse(flags.remaining(), ...);            // the command's own flags
 * try (HealthChecks checks = HealthChecks.create()) {
 *     for (VrrpScript script : flags.scripts()) {
 *         TrackedSource tracked = TrackScript.start(script, checks);
 *         instance.track(tracked.source(), tracked.weight());
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>Flags, repeatable as a group; each modifier applies to the {@code --track-script} before it:
 *
 * <pre>
 * --track-script CMD [--track-weight W] [--track-interval S] [--track-timeout S] [--track-rise N] [--track-fall N]
 * </pre>
 *
 * W is -253 to 253 (default 0: FAULT while failing); S is keepalived seconds such as {@code 1} or
 * {@code 0.5} (interval default 1, timeout default = interval); N is 1 or more (default 1). Both
 * {@code --flag value} and {@code --flag=value} are accepted.
 */
public final class TrackScript {

  public static final String SCRIPT_FLAG = "track-script";
  private static final Set<String> MODIFIERS =
      Set.of("track-weight", "track-interval", "track-timeout", "track-rise", "track-fall");

  private TrackScript() {}

  /**
   * Starts running {@code script} on {@code checks}, as keepalived would, and returns the source
   * with its weight. The source is the {@link ScheduledProbe} (close it to stop the script), or a
   * reversed view of it for {@link VrrpScript#reverse()}.
   */
  public static TrackedSource start(VrrpScript script, HealthChecks checks) {
    Objects.requireNonNull(script, "script");
    ScheduledProbe probe =
        checks.schedule(
            script.name(), ExecProbe.builder(script.script()).build(), script.schedule());
    TrackedSource tracked = new TrackedSource(probe, script.weight());
    return script.reverse() ? tracked.reversed() : tracked;
  }

  /**
   * The {@code --track-*} flags found in a command line, in order, and everything else.
   *
   * @param scripts one per {@code --track-script}, named after the script's file name
   * @param remaining the other arguments, untouched and in order, for the command's own parser
   */
  public record Flags(List<VrrpScript> scripts, List<String> remaining) {
    public Flags {
      scripts = List.copyOf(scripts);
      remaining = List.copyOf(remaining);
    }
  }

  /**
   * Takes every {@code --track-*} flag out of {@code args}. Parsing stops at {@code --}.
   *
   * @throws IllegalArgumentException naming the flag and the allowed range, for a missing or bad
   *     value, a modifier before any {@code --track-script}, or one given twice
   */
  public static Flags parseFlags(List<String> args) {
    List<VrrpScript> scripts = new ArrayList<>();
    List<String> remaining = new ArrayList<>();
    Set<String> names = new HashSet<>();
    VrrpScript.Builder current = null;
    String currentCommand = null;
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        remaining.addAll(args.subList(i, args.size()));
        break;
      }
      if (!arg.startsWith("--track-")) {
        remaining.add(arg);
        continue;
      }
      String flag = arg.substring(2);
      String value = null;
      int equals = flag.indexOf('=');
      if (equals >= 0) {
        value = flag.substring(equals + 1);
        flag = flag.substring(0, equals);
      }
      if (!flag.equals(SCRIPT_FLAG) && !MODIFIERS.contains(flag)) {
        // another --track-* flag of the command's own (e.g. node's --track-file): its parser
        // decides
        remaining.add(arg);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("--" + flag + " needs a value");
        }
        value = args.get(++i);
      }
      if (flag.equals(SCRIPT_FLAG)) {
        if (current != null) {
          scripts.add(build(current, currentCommand));
        }
        currentCommand = value;
        try {
          current = VrrpScript.builder(uniqueName(value, names), value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "--" + SCRIPT_FLAG + " '" + value + "': " + e.getMessage(), e);
        }
        given.clear();
        continue;
      }
      if (current == null) {
        throw new IllegalArgumentException("--" + flag + " must follow a --" + SCRIPT_FLAG);
      }
      if (given.put(flag, value) != null) {
        throw new IllegalArgumentException(
            "--" + flag + " given twice for --" + SCRIPT_FLAG + " " + currentCommand);
      }
      apply(current, flag, value);
    }
    if (current != null) {
      scripts.add(build(current, currentCommand));
    }
    return new Flags(scripts, remaining);
  }

  private static VrrpScript build(VrrpScript.Builder builder, String command) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + SCRIPT_FLAG + " " + command + ": " + e.getMessage(), e);
    }
  }

  private static void apply(VrrpScript.Builder builder, String flag, String value) {
    switch (flag) {
      case "track-weight" -> {
        int weight = integer(flag, value, VrrpScript.MIN_WEIGHT, VrrpScript.MAX_WEIGHT);
        builder.weight(weight);
      }
      case "track-interval" -> builder.interval(seconds(flag, value));
      case "track-timeout" -> builder.timeout(seconds(flag, value));
      case "track-rise" -> builder.rise(integer(flag, value, 1, CheckSchedule.MAX_COUNT));
      case "track-fall" -> builder.fall(integer(flag, value, 1, CheckSchedule.MAX_COUNT));
      default -> throw new IllegalStateException(flag);
    }
  }

  private static int integer(String flag, String value, int min, int max) {
    try {
      return ConfigNumbers.parseInt(value.strip(), min, max);
    } catch (NumberFormatException e) {
      // reported below with the range
    }
    throw new IllegalArgumentException(
        "--" + flag + " must be " + min + " to " + max + ", got '" + value + "'");
  }

  private static Duration seconds(String flag, String value) {
    Duration parsed;
    try {
      parsed = ConfigDurations.parseSeconds(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be seconds greater than 0 such as 1 or 0.5, got '" + value + "'", e);
    }
    if (parsed.compareTo(CheckSchedule.MIN_DURATION) < 0) {
      throw new IllegalArgumentException(
          "--" + flag + " must be at least 0.001 seconds, got '" + value + "'");
    }
    return parsed;
  }

  /**
   * {@code /etc/nginx/check_nginx.sh} gives {@code check_nginx}; a second one {@code
   * check_nginx#2}.
   */
  private static String uniqueName(String command, Set<String> taken) {
    String program = CommandLine.split(command).get(0);
    String base = program.substring(program.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    String name = base;
    for (int n = 2; !taken.add(name); n++) {
      name = base + "#" + n;
    }
    return name;
  }
}
