package org.ha4j.core.config;

import java.time.Duration;

/**
 * Durations as the tools users come from write them.
 *
 * <ul>
 *   <li>nginx: a number with an optional unit, several parts allowed ({@code 500ms}, {@code 10s},
 *       {@code 1h 30m}); units {@code ms s m h d w M y}; a bare number means seconds.
 *   <li>keepalived: a decimal number of seconds ({@code 1}, {@code 0.5}, {@code 2.25}).
 * </ul>
 *
 * Both reject negative values, digits other than ASCII {@code 0-9}, and values above {@link #MAX},
 * and report the offending text.
 */
public final class ConfigDurations {

  private ConfigDurations() {}

  /**
   * The longest duration accepted: 2<sup>31</sup>-1 seconds, about 68 years. It is the largest
   * value a seconds-valued nginx time parameter takes where {@code time_t} is 32 bits, far beyond
   * any useful timeout, and its nanoseconds (2.1e18) leave room in a {@code long} for a scheduler
   * to add it to {@link System#nanoTime()}: a larger value such as {@code 300y} would load and then
   * overflow ({@code ArithmeticException: long overflow}) in every session that arms the timer.
   */
  public static final Duration MAX = Duration.ofSeconds(Integer.MAX_VALUE);

  private static final long MAX_MILLIS = MAX.toMillis();

  /**
   * Parses nginx time syntax (see nginx's "Syntax" documentation page).
   *
   * @throws IllegalArgumentException quoting the text (shortened when long) and saying what is
   *     wrong, including a value above {@link #MAX}
   */
  public static Duration parseNginx(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw invalid(text, "empty");
    }
    long totalMillis = 0;
    int i = 0;
    int length = trimmed.length();
    while (i < length) {
      while (i < length && trimmed.charAt(i) == ' ') {
        i++;
      }
      int digitsStart = i;
      long amount = 0;
      while (i < length && ConfigNumbers.isAsciiDigit(trimmed.charAt(i))) {
        // Saturate rather than overflow: anything above the maximum is reported as such below.
        amount = Math.min(amount * 10 + (trimmed.charAt(i) - '0'), MAX_MILLIS + 1);
        i++;
      }
      if (i == digitsStart) {
        throw invalid(
            text,
            "expected a number at position "
                + digitsStart
                + (i < length ? ConfigNumbers.nonDigitHint(trimmed.charAt(i)) : ""));
      }
      int unitStart = i;
      while (i < length
          && trimmed.charAt(i) != ' '
          && !ConfigNumbers.isAsciiDigit(trimmed.charAt(i))) {
        i++;
      }
      long unitMillis = unitMillis(trimmed.substring(unitStart, i), text);
      if (amount > (MAX_MILLIS - totalMillis) / unitMillis) {
        throw invalid(
            text,
            "longer than the maximum "
                + format(MAX)
                + " ("
                + MAX.toSeconds()
                + "s, about 68 years)");
      }
      totalMillis += amount * unitMillis;
    }
    return Duration.ofMillis(totalMillis);
  }

  private static long unitMillis(String unit, String text) {
    return switch (unit) {
      case "ms" -> 1L;
      case "", "s" -> 1_000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      case "w" -> 7 * 86_400_000L;
      case "M" -> 30 * 86_400_000L;
      case "y" -> 365 * 86_400_000L;
      default ->
          throw invalid(
              text,
              "unknown unit '"
                  + ConfigText.echo(unit)
                  + "' (use ms, s, m, h, d, w, "
                  + "M or y)"
                  + ConfigNumbers.nonDigitHint(unit.charAt(0)));
    };
  }

  /** Parses keepalived's decimal seconds, to microsecond precision as keepalived keeps timers. */
  public static Duration parseSeconds(String text) {
    String trimmed = text.strip();
    // Java's \d is ASCII-only (no UNICODE_CHARACTER_CLASS), as keepalived's strtod in the C locale.
    if (!trimmed.matches("\\d{1,9}(\\.\\d{1,6})?")) {
      throw invalid(text, "expected a non-negative number of seconds such as 1 or 0.5");
    }
    int dot = trimmed.indexOf('.');
    long seconds =
        ConfigNumbers.parseLong(dot < 0 ? trimmed : trimmed.substring(0, dot), 0, 999_999_999);
    long micros = 0;
    if (dot >= 0) {
      String fraction = (trimmed.substring(dot + 1) + "000000").substring(0, 6);
      micros = ConfigNumbers.parseLong(fraction, 0, 999_999);
    }
    return Duration.ofSeconds(seconds).plusNanos(micros * 1_000);
  }

  /**
   * Writes a duration the way nginx's documentation does: {@code 500ms}, {@code 60s}, {@code 10m},
   * {@code 1h30m}. The result parses back with {@link #parseNginx}.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must be >= 0, got " + duration);
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long[] unitMillis = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] unitNames = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < unitMillis.length; i++) {
      long amount = millis / unitMillis[i];
      if (amount > 0) {
        text.append(amount).append(unitNames[i]);
        millis -= amount * unitMillis[i];
      }
    }
    return text.toString();
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid duration '" + ConfigText.echo(text) + "': " + why);
  }
}
