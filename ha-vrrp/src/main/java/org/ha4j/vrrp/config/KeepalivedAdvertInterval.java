package org.ha4j.vrrp.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * keepalived 2.2.7's {@code advert_int}, in its two steps. The keyword is read as microseconds, at
 * most six decimals, 0.01-255 s, whatever the version (vrrp_parser.c {@code vrrp_adv_handler}); the
 * version is only known once the instance is complete, and then the interval is fitted to what the
 * advert carries (vrrp.c {@code vrrp_complete_instance}): whole seconds under VRRPv2, hundredths of
 * a second up to 40.95 s under VRRPv3, rounding half up.
 *
 * <p>keepalived reports every rounding and clamp as a configuration error yet runs the rounded
 * value. ha4j runs a rounding with a warning (two peers with the same file round alike), and
 * refuses what keepalived would replace by a different interval: a VRRPv2 fraction below 0.5 s
 * (keepalived runs 1 s) and a VRRPv3 interval beyond 40.95 s (keepalived runs 40.95 s).
 */
final class KeepalivedAdvertInterval {

  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
  private static final int MAX_DECIMALS = 6;
  private static final long MICROS_PER_SECOND = 1_000_000;
  private static final long MICROS_PER_CENTI = 10_000;
  private static final long MIN_MICROS = MICROS_PER_CENTI;
  private static final long MAX_MICROS = 255 * MICROS_PER_SECOND;
  private static final long MAX_V3_CENTIS = 4095;

  private KeepalivedAdvertInterval() {}

  /**
   * The interval as keepalived's parser reads it, in microseconds.
   *
   * @throws IllegalArgumentException saying what keepalived would refuse
   */
  static long parseMicros(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException("must be a positive number of seconds, got " + text);
    }
    BigDecimal seconds = new BigDecimal(text.startsWith(".") ? "0" + text : text);
    if (seconds.scale() > MAX_DECIMALS) {
      throw new IllegalArgumentException(
          "has more than " + MAX_DECIMALS + " decimal places (keepalived reads microseconds)");
    }
    BigDecimal micros = seconds.movePointRight(MAX_DECIMALS);
    if (micros.compareTo(BigDecimal.valueOf(MIN_MICROS)) < 0
        || micros.compareTo(BigDecimal.valueOf(MAX_MICROS)) > 0) {
      throw new IllegalArgumentException("must be 0.01-255 seconds, got " + text);
    }
    return micros.longValueExact();
  }

  /**
   * The interval {@code micros} as the advert of {@code version} carries it, with a warning when it
   * had to be rounded.
   *
   * @throws IllegalArgumentException when keepalived would run a different interval
   */
  static Fitted fit(int version, long micros, String text) {
    if (version == 2) {
      long seconds = (micros + MICROS_PER_SECOND / 2) / MICROS_PER_SECOND;
      if (seconds == 0) {
        throw new IllegalArgumentException(
            "VRRP version 2 carries whole seconds, 1-255, got "
                + text
                + "; sub-second adverts need vrrp_version 3 (or version 3 in the instance)");
      }
      return new Fitted(
          Duration.ofSeconds(seconds),
          micros % MICROS_PER_SECOND == 0
              ? Optional.empty()
              : Optional.of(
                  "VRRP version 2 carries whole seconds: "
                      + text
                      + " is rounded to "
                      + seconds
                      + ", as keepalived does"));
    }
    long centis = (micros + MICROS_PER_CENTI / 2) / MICROS_PER_CENTI;
    if (centis > MAX_V3_CENTIS) {
      throw new IllegalArgumentException("VRRP version 3 carries 0.01-40.95 seconds, got " + text);
    }
    Duration interval = Duration.ofMillis(centis * 10);
    return new Fitted(
        interval,
        micros % MICROS_PER_CENTI == 0
            ? Optional.empty()
            : Optional.of(
                "VRRP version 3 carries hundredths of a second: "
                    + text
                    + " is rounded to "
                    + BigDecimal.valueOf(centis, 2).stripTrailingZeros().toPlainString()
                    + ", as keepalived does"));
  }

  /** An interval the advert can carry, and why it differs from the text, if it does. */
  record Fitted(Duration interval, Optional<String> warning) {}
}
