package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigProblemsTest {

  private static final ConfigStatement LINE_7 =
      new ConfigStatement(
          "listen", List.of("x"), List.of(), false, new ConfigLocation("n.conf", 7));

  @Test
  void aMillionProblemsReportTheFirstHundredAndCountTheRest() {
    ConfigProblems problems = new ConfigProblems();
    for (int i = 1; i <= 1_000_000; i++) {
      ConfigStatement at =
          new ConfigStatement("k", List.of(), List.of(), false, new ConfigLocation("n.conf", i));
      if (i % 2 == 0) {
        problems.warning(at, "w");
      } else {
        problems.error(at, "e");
      }
    }

    assertThat(problems.errorCount()).isEqualTo(500_000);
    List<ConfigProblem> all = problems.all();
    assertThat(all).hasSize(ConfigProblems.MAX_KEPT + 1);
    assertThat(all.get(ConfigProblems.MAX_KEPT))
        .hasToString(
            "n.conf:101: error: 999900 more problems from here on not shown (499950 of them errors); fix the ones above first");
    assertThatThrownBy(problems::throwIfErrors)
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(10_000));
  }

  @Test
  void problemsQuoteHostileTokensShort() {
    String huge = "y".repeat(1 << 20);
    ConfigProblem problem =
        ConfigProblem.error(
            new ConfigStatement(huge, List.of(), List.of(), false, new ConfigLocation("n.conf", 3)),
            "invalid number \"" + huge + "\" (allowed 0-65535)");

    assertThat(problem.keyword()).isEqualTo("y".repeat(64) + "…(1048576 bytes)");
    assertThat(problem.message())
        .startsWith("invalid number \"yyy")
        .endsWith("yyy\" (allowed 0-65535)")
        .contains("characters left out)…");
    assertThat(problem.toString().length()).isLessThan(700);
  }

  @Test
  void shortMessagesAreKeptWhole() {
    ConfigProblem problem = ConfigProblem.error(LINE_7, "invalid port in \"x\"");
    assertThat(problem).hasToString("n.conf:7: error: 'listen' invalid port in \"x\"");
  }
}
