package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.config.BlockConfigParser.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mechanism both loaders share: statements spliced in place with their own file:line, and the
 * hostile-input limits (cycles, depth, number and size of files) named at the include.
 */
class ConfigIncludesTest {

  /** nginx-like: {@code include PATH;}, relative to the including file, a missing file an error. */
  static final class TestRules implements IncludeRules {
    @Override
    public boolean isInclude(ConfigStatement statement) {
      return statement.keyword().equals("include");
    }

    @Override
    public Optional<String> pattern(ConfigStatement include, ConfigProblems problems) {
      return Optional.of(include.args().get(0));
    }

    @Override
    public Path relativeTo(Path includingFile, Path mainFile) {
      return includingFile.getParent();
    }

    @Override
    public boolean braces() {
      return false;
    }

    @Override
    public void noMatch(
        ConfigStatement include, String pattern, NoMatch why, ConfigProblems problems) {
      problems.error(include, why + " " + pattern);
    }

    @Override
    public boolean reads(
        ConfigStatement include, Path match, FileKind kind, ConfigProblems problems) {
      if (kind != FileKind.REGULAR) {
        problems.error(include, kind + " " + match);
      }
      return true;
    }
  }

  private final ConfigProblems problems = new ConfigProblems();

  private List<ConfigStatement> expand(Path main) throws Exception {
    ConfigIncludes includes = ConfigIncludes.with(Dialect.NGINX, new TestRules(), problems);
    return includes.expand(
        main.toString(),
        BlockConfigParser.parse(main.toString(), ConfigFiles.read(main), Dialect.NGINX));
  }

  private static List<String> errors(ConfigProblems problems) {
    return problems.all().stream().filter(ConfigProblem::isError).map(Object::toString).toList();
  }

  @Test
  void includedStatementsTakeThePlaceOfTheIncludeAndKeepTheirOwnFileAndLine(@TempDir Path dir)
      throws Exception {
    Path main = Files.writeString(dir.resolve("main.conf"), "a;\nb { include sub/*.conf; }\nc;\n");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/2.conf"), "\n\ny;\n");
    Files.writeString(dir.resolve("sub/1.conf"), "x;\n");

    List<ConfigStatement> top = expand(main);

    assertThat(problems.all()).isEmpty();
    assertThat(top).extracting(ConfigStatement::keyword).containsExactly("a", "b", "c");
    assertThat(top.get(1).block())
        .extracting(s -> s.keyword() + "@" + s.location())
        .containsExactly("x@" + dir + "/sub/1.conf:1", "y@" + dir + "/sub/2.conf:3");
  }

  @Test
  void aFileThatIncludesItselfIsACycleNamedAtTheInclude(@TempDir Path dir) throws Exception {
    Path main = Files.writeString(dir.resolve("main.conf"), "include a.conf;\n");
    Files.writeString(dir.resolve("a.conf"), "x;\n\ninclude b.conf;\n");
    Files.writeString(dir.resolve("b.conf"), "include a.conf;\n");

    List<ConfigStatement> top = expand(main);

    assertThat(top).extracting(ConfigStatement::keyword).containsExactly("x");
    assertThat(errors(problems))
        .singleElement()
        .asString()
        .startsWith(dir + "/b.conf:1: error: 'include' include cycle: " + dir + "/a.conf")
        .contains("main.conf -> " + dir + "/a.conf -> " + dir + "/b.conf -> " + dir + "/a.conf");
  }

  @Test
  void theMainFileIncludingItselfIsACycleToo(@TempDir Path dir) throws Exception {
    Path main = Files.writeString(dir.resolve("main.conf"), "x;\ninclude *.conf;\n");
    expand(main);
    assertThat(errors(problems))
        .singleElement()
        .asString()
        .startsWith(main + ":2: error: 'include' include cycle");
  }

  @Test
  void includesCountAsNestingLevelsWithTheBlocksAroundThem(@TempDir Path dir) throws Exception {
    // 40 blocks deep in main.conf, then each of 30 files includes the next inside one block.
    String main = "b {\n".repeat(40) + "include f0.conf;\n" + "}\n".repeat(40);
    Path mainFile = Files.writeString(dir.resolve("main.conf"), main);
    for (int i = 0; i < 30; i++) {
      Files.writeString(dir.resolve("f" + i + ".conf"), "b { include f" + (i + 1) + ".conf; }\n");
    }
    Files.writeString(dir.resolve("f30.conf"), "x;\n");

    expand(mainFile);

    assertThat(errors(problems))
        .singleElement()
        .asString()
        .contains(dir + "/f")
        .contains("nested deeper than 64 levels (blocks and includes counted together)");
  }

  @Test
  void theNumberOfIncludedFilesIsCapped(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("empty.conf"), "");
    Path main =
        Files.writeString(
            dir.resolve("main.conf"), "include empty.conf;\n".repeat(ConfigIncludes.MAX_FILES + 5));

    expand(main);

    assertThat(errors(problems))
        .singleElement()
        .asString()
        .startsWith(
            main
                + ":"
                + (ConfigIncludes.MAX_FILES + 1)
                + ": error: 'include' more than "
                + ConfigIncludes.MAX_FILES
                + " files included in all");
  }

  @Test
  void theTotalSizeOfIncludedFilesIsCapped(@TempDir Path dir) throws Exception {
    byte[] big = new byte[ConfigFiles.MAX_BYTES];
    java.util.Arrays.fill(big, (byte) '\n');
    Files.write(dir.resolve("big.conf"), big);
    Path main = Files.writeString(dir.resolve("main.conf"), "include big.conf;\n".repeat(5));

    expand(main);

    assertThat(errors(problems))
        .singleElement()
        .asString()
        .startsWith(main + ":5: error: 'include' more than " + ConfigIncludes.MAX_TOTAL_CHARS);
  }

  @Test
  void anIncludedFileGetsTheMainFilesLimitsAndItsErrorsNameIt(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("huge.conf"), new byte[ConfigFiles.MAX_BYTES + 1]);
    Files.writeString(dir.resolve("broken.conf"), "ok;\n\nbad {\n");
    Path fifo = dir.resolve("fifo.conf");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Files.createDirectories(dir.resolve("dir.conf"));
    Path main =
        Files.writeString(
            dir.resolve("main.conf"),
            "include huge.conf;\ninclude broken.conf;\ninclude fifo.conf;\ninclude dir.conf;\n"
                + "include absent.conf;\n");

    List<ConfigStatement> top = expand(main);

    assertThat(top).isEmpty();
    assertThat(errors(problems))
        .containsExactly(
            dir
                + "/huge.conf:1: error: config file larger than 16 MiB (16777216 bytes): not read"
                + " further; is this the right file?",
            dir + "/broken.conf:3: error: block opened here is never closed with '}'",
            main + ":3: error: 'include' SPECIAL " + fifo,
            main + ":4: error: 'include' DIRECTORY " + dir.resolve("dir.conf"),
            main + ":5: error: 'include' MISSING " + dir + "/absent.conf");
  }

  @Test
  void aFileIncludedTwiceWithoutACycleIsReadTwice(@TempDir Path dir) throws IOException, Exception {
    Files.writeString(dir.resolve("x.conf"), "x;\n");
    Path main = Files.writeString(dir.resolve("main.conf"), "include x.conf;\ninclude x.conf;\n");
    assertThat(expand(main)).extracting(ConfigStatement::keyword).containsExactly("x", "x");
    assertThat(problems.all()).isEmpty();
  }
}
