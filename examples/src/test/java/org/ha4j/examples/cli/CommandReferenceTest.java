package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/commands.md's flag reference is what the command definitions generate. After changing a
 * flag, regenerate it: {@code mvn -pl examples -am test -Dtest=CommandReferenceTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dha4j.updateCommandReference=true}.
 */
class CommandReferenceTest {

  private static final Path PAGE = Path.of("../docs/commands.md");

  @Test
  void docsCommandsMdHoldsTheGeneratedReference() throws Exception {
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    String generated = CommandReference.rewrite(page);
    if (Boolean.getBoolean("ha4j.updateCommandReference")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
      page = generated;
    }
    assertThat(page)
        .as("docs/commands.md differs from the command definitions; regenerate it (see above)")
        .isEqualTo(generated);
    assertThat(page).contains("### `./ha4j check --help`", "--strict", "--advert-int");
  }
}
