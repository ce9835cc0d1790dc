package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived's word splitting for {@code script}, {@code notify_*} lines: blanks, quotes,
 * backslashes, no shell.
 */
class CommandLineTest {

  @Test
  void blanksSeparateWordsAndQuotesKeepThemTogether() {
    assertThat(CommandLine.split("  /bin/say  'two words' \"and \\\"three\\\" more\"\tend "))
        .isEqualTo(List.of("/bin/say", "two words", "and \"three\" more", "end"));
  }

  @Test
  void aBackslashOutsideQuotesEscapesTheNextCharacterAndNothingIsExpanded() {
    assertThat(CommandLine.split("echo a\\ b $HOME *"))
        .isEqualTo(List.of("echo", "a b", "$HOME", "*"));
  }

  @Test
  void anEmptyLineOrAnUnterminatedQuoteIsRefusedWithWhere() {
    assertThatThrownBy(() -> CommandLine.split("   ")).hasMessage("empty command line");
    assertThatThrownBy(() -> CommandLine.split("x 'y"))
        .hasMessage("unterminated ' at position 2 in: x 'y");
    assertThatThrownBy(() -> CommandLine.split("x \"y"))
        .hasMessage("unterminated \" at position 2 in: x \"y");
  }
}
