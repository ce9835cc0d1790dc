package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigNumbersTest {

  @Test
  void readsAsciiWholeNumbersInRange() {
    assertThat(ConfigNumbers.parseInt("100", 1, 255)).isEqualTo(100);
    assertThat(ConfigNumbers.parseInt("-253", -253, 253)).isEqualTo(-253);
    assertThat(ConfigNumbers.parseInt("+20", -253, 253)).isEqualTo(20);
    assertThat(ConfigNumbers.parseInt("0007", 0, 10)).isEqualTo(7);
    assertThat(ConfigNumbers.parseLong("9223372036854775807", 0, Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(ConfigNumbers.parseLong("-9223372036854775808", Long.MIN_VALUE, 0))
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void nonAsciiDigitsAreNotNumbers() {
    // Integer.parseInt("٢٤") is 24: the reason this parser exists.
    assertThatThrownBy(() -> ConfigNumbers.parseInt("٢٤", 0, 32))
        .isInstanceOf(NumberFormatException.class)
        .hasMessage("expected a whole number 0-32, got '٢٤' ('٢' is not an ASCII digit 0-9)");
    assertThatThrownBy(() -> ConfigNumbers.parseInt("１００", 1, 255))
        .hasMessageContaining("not an ASCII digit");
    assertThat(ConfigNumbers.isAsciiDigits("١٠")).isFalse();
    assertThat(ConfigNumbers.isAsciiDigits("")).isFalse();
    assertThat(ConfigNumbers.isAsciiDigits("0123456789")).isTrue();
  }

  @Test
  void outOfRangeAndOverflowSayTheRange() {
    assertThatThrownBy(() -> ConfigNumbers.parseInt("256", 1, 255))
        .hasMessage("expected a whole number 1-255, got '256'");
    assertThatThrownBy(() -> ConfigNumbers.parseInt("-1", 0, 255)).hasMessageContaining("0-255");
    assertThatThrownBy(() -> ConfigNumbers.parseLong("9223372036854775808", 0, Long.MAX_VALUE))
        .isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ConfigNumbers.parseLong("-9223372036854775809", Long.MIN_VALUE, 0))
        .isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ConfigNumbers.parseInt("", 0, 1))
        .isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ConfigNumbers.parseInt("-", -1, 1))
        .isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ConfigNumbers.parseInt(" 1", 0, 1))
        .isInstanceOf(NumberFormatException.class);
  }

  @Test
  void aMegabyteOfDigitsIsQuotedShort() {
    String huge = "9".repeat(1 << 20);
    assertThatThrownBy(() -> ConfigNumbers.parseInt(huge, 0, 65535))
        .hasMessage(
            "expected a whole number 0-65535, got '" + "9".repeat(64) + "…(1048576 bytes)'");
  }
}
