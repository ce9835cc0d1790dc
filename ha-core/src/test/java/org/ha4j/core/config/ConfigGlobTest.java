package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** glob(3)'s rules as nginx and keepalived get them from glibc. */
class ConfigGlobTest {

  @Test
  void wildcardsMatchWithinOneComponent() {
    assertThat(ConfigGlob.matches("*.conf", "a.conf")).isTrue();
    assertThat(ConfigGlob.matches("*.conf", "a.conf.bak")).isFalse();
    assertThat(ConfigGlob.matches("?0-*.conf", "50-mod-stream.conf")).isTrue();
    assertThat(ConfigGlob.matches("[0-4]*", "50-x")).isFalse();
    assertThat(ConfigGlob.matches("[!0-4]*", "50-x")).isTrue();
    assertThat(ConfigGlob.matches("[^0-4]*", "50-x")).isTrue();
    assertThat(ConfigGlob.matches("[]]", "]")).isTrue();
    assertThat(ConfigGlob.matches("a\\*", "a*")).isTrue();
    assertThat(ConfigGlob.matches("a\\*", "ab")).isFalse();
    assertThat(ConfigGlob.matches("[unclosed", "[unclosed")).isTrue();
  }

  @Test
  void aLeadingDotIsMatchedOnlyByADot() {
    assertThat(ConfigGlob.matches("*", ".hidden.conf")).isFalse();
    assertThat(ConfigGlob.matches("?hidden.conf", ".hidden.conf")).isFalse();
    assertThat(ConfigGlob.matches(".*", ".hidden.conf")).isTrue();
  }

  @Test
  void aHostileStarPatternCostsLittle() {
    String name = "a".repeat(10_000);
    assertThat(ConfigGlob.matches("*a*a*a*a*a*a*a*a*a*b", name)).isFalse();
  }

  @Test
  void matchesComeSortedAndDirectoriesInTheMiddleAreDescended(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b.d"));
    Files.createDirectories(dir.resolve("a.d"));
    Files.writeString(dir.resolve("b.d/x.conf"), "");
    Files.writeString(dir.resolve("a.d/x.conf"), "");
    Files.writeString(dir.resolve("a.d/.x.conf"), "");
    Files.writeString(dir.resolve("c.d"), "a file, not a directory");

    ConfigGlob.Matches matches = ConfigGlob.expand(dir + "/*.d/*.conf", false);

    assertThat(matches.paths())
        .containsExactly(dir.resolve("a.d/x.conf"), dir.resolve("b.d/x.conf"));
    assertThat(matches.wildcard()).isTrue();
    assertThat(matches.missing()).isZero();
  }

  @Test
  void aLiteralPathThatIsAbsentCountsAsMissing(@TempDir Path dir) {
    ConfigGlob.Matches matches = ConfigGlob.expand(dir + "/absent.conf", false);
    assertThat(matches.paths()).isEmpty();
    assertThat(matches.wildcard()).isFalse();
    assertThat(matches.missing()).isEqualTo(1);

    ConfigGlob.Matches inAbsentDirectory = ConfigGlob.expand(dir + "/absent.d/*.conf", false);
    assertThat(inAbsentDirectory.paths()).isEmpty();
    assertThat(inAbsentDirectory.missing()).isEqualTo(1);
  }

  @Test
  void bracesAreAlternativesOnlyWhenAsked(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.conf"), "");
    Files.writeString(dir.resolve("b.conf"), "");

    ConfigGlob.Matches both = ConfigGlob.expand(dir + "/{b,a,c}.conf", true);
    assertThat(both.paths()).containsExactly(dir.resolve("b.conf"), dir.resolve("a.conf"));
    assertThat(both.missing()).isEqualTo(1);

    assertThat(ConfigGlob.expand(dir + "/{b,a}.conf", false).paths()).isEmpty();
    assertThat(ConfigGlob.alternatives("x{a,{b,c}}y")).containsExactly("xay", "xby", "xcy");
  }

  @Test
  void aPatternThatWalksTooManyEntriesIsRefused(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 3; i++) {
      Files.createDirectories(dir.resolve("d" + i + "/e"));
    }
    assertThat(ConfigGlob.expand(dir + "/*/*/x", false, 6).paths()).isEmpty();
    assertThatThrownBy(() -> ConfigGlob.expand(dir + "/*/*/x", false, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the pattern looks at more than 5 directory entries");
  }

  @Test
  void bracesThatExplodeAreRefused() {
    String pattern = "{a,b}".repeat(11);
    assertThatThrownBy(() -> ConfigGlob.alternatives(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than " + ConfigGlob.MAX_ALTERNATIVES);
  }
}
