package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigDurationsTest {

  @Test
  void readsNginxTimeSyntax() {
    assertThat(ConfigDurations.parseNginx("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigDurations.parseNginx("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ConfigDurations.parseNginx("60")).isEqualTo(Duration.ofSeconds(60));
    assertThat(ConfigDurations.parseNginx("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(ConfigDurations.parseNginx("1h 30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(ConfigDurations.parseNginx("1d12h")).isEqualTo(Duration.ofHours(36));
    assertThat(ConfigDurations.parseNginx("2w")).isEqualTo(Duration.ofDays(14));
  }

  @Test
  void namesTheProblemInBadNginxDurations() {
    assertThatThrownBy(() -> ConfigDurations.parseNginx("10x"))
        .hasMessageContaining("unknown unit 'x'");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("-5s"))
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("s")).hasMessageContaining("'s'");
  }

  @Test
  void formatsAsNginxWouldWriteIt() {
    assertThat(ConfigDurations.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(ConfigDurations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(ConfigDurations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(ConfigDurations.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration d :
        new Duration[] {
          Duration.ofMillis(1), Duration.ofDays(3).plusSeconds(7), Duration.ofMinutes(10)
        }) {
      assertThat(ConfigDurations.parseNginx(ConfigDurations.format(d))).isEqualTo(d);
    }
  }

  @Test
  void readsKeepalivedDecimalSeconds() {
    assertThat(ConfigDurations.parseSeconds("1")).isEqualTo(Duration.ofSeconds(1));
    assertThat(ConfigDurations.parseSeconds("0.5")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigDurations.parseSeconds("2.000125")).isEqualTo(Duration.ofNanos(2_000_125_000));
    assertThatThrownBy(() -> ConfigDurations.parseSeconds("-1")).hasMessageContaining("'-1'");
    assertThatThrownBy(() -> ConfigDurations.parseSeconds("1s")).hasMessageContaining("seconds");
  }

  @Test
  void durationsAboveTheMaximumAreNamedErrorsNotOverflows() {
    // 300y loaded, then every session's idle timer threw ArithmeticException: long overflow.
    assertThatThrownBy(() -> ConfigDurations.parseNginx("300y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid duration '300y': longer than the maximum 24855d3h14m7s (2147483647s, about 68 years)");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("999999999999y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the maximum");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("9".repeat(40) + "ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the maximum");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("68y 2M"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the maximum");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("2147483648s"))
        .hasMessageContaining("maximum");
  }

  @Test
  void theMaximumItselfLoadsAndFitsInNanoseconds() {
    assertThat(ConfigDurations.parseNginx("2147483647s")).isEqualTo(ConfigDurations.MAX);
    assertThat(ConfigDurations.parseNginx("68y")).isEqualTo(Duration.ofDays(68 * 365));
    assertThat(ConfigDurations.parseNginx(ConfigDurations.format(ConfigDurations.MAX)))
        .isEqualTo(ConfigDurations.MAX);
    assertThat(Math.addExact(Long.MAX_VALUE / 2, ConfigDurations.MAX.toNanos())).isPositive();
  }

  @Test
  void nonAsciiDigitsAreNotTime() {
    assertThatThrownBy(() -> ConfigDurations.parseNginx("١٠s"))
        .hasMessage(
            "invalid duration '١٠s': expected a number at position 0 ('١' is not an ASCII digit 0-9)");
    assertThatThrownBy(() -> ConfigDurations.parseNginx("1٠s"))
        .hasMessageContaining("unknown unit '٠s'");
    assertThatThrownBy(() -> ConfigDurations.parseSeconds("١"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigDurations.parseSeconds("1.٥"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMegabyteValueIsQuotedShort() {
    String huge = "1x".repeat(1 << 19);
    assertThatThrownBy(() -> ConfigDurations.parseNginx(huge))
        .hasMessage(
            "invalid duration '"
                + "1x".repeat(32)
                + "…(1048576 bytes)': unknown unit 'x' (use ms, s, m, h, "
                + "d, w, M or y)");
  }
}
