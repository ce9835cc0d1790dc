package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * keepalived's {@code include} and its stricter spellings, row by row next to what {@code
 * keepalived -t} (2.2.7) says of the same files; {@code KeepalivedIncludeParityIT} runs keepalived
 * on every row.
 */
class KeepalivedIncludeTest {

  static final String INSTANCE =
      """
      vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority 100
          virtual_ipaddress {
              10.200.0.100/24
          }
      }
      """;

  /**
   * @param files relative path -> text; {@code keepalived.conf} is the main file
   * @param executables files given an execute bit
   * @param keepalived {@code keepalived -t}'s exit status, and a line it prints after ": "
   * @param ha4j {@code ok}, or "error|warning FILE:LINE KEYWORD" for the problem ha4j reports
   */
  record Row(
      String name,
      Map<String, String> files,
      Set<String> executables,
      String keepalived,
      String ha4j) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "a relative glob starts in the main file's directory",
            Map.of("keepalived.conf", "include conf.d/*.conf\n", "conf.d/vi_1.conf", INSTANCE),
            Set.of(),
            "0",
            "ok"),
        new Row(
            "a relative include in an included file starts in that file's directory",
            Map.of(
                "keepalived.conf", "include nest/a.conf\n",
                "nest/a.conf", "include sub/vi_1.conf\n",
                "nest/sub/vi_1.conf", INSTANCE),
            Set.of(),
            "0",
            "ok"),
        new Row(
            "a glob matching nothing includes nothing",
            Map.of("keepalived.conf", "include conf.d/*.conf\n" + INSTANCE, "conf.d/README", ""),
            Set.of(),
            "0",
            "ok"),
        new Row(
            "a missing file is skipped",
            Map.of("keepalived.conf", "include absent.conf\n" + INSTANCE),
            Set.of(),
            "0: Config files missing 'absent.conf'",
            "warning keepalived.conf:1 include"),
        new Row(
            "includem: a missing file is an error",
            Map.of("keepalived.conf", "includem absent.conf\n" + INSTANCE),
            Set.of(),
            "6: Config files missing 'absent.conf'",
            "error keepalived.conf:1 includem"),
        new Row(
            "includew: a glob matching nothing is an error",
            Map.of("keepalived.conf", "includew conf.d/*.conf\n" + INSTANCE, "conf.d/README", ""),
            Set.of(),
            "6: No config files matched 'conf.d/*.conf'",
            "error keepalived.conf:1 includew"),
        new Row(
            "an executable file is skipped",
            Map.of("keepalived.conf", "include vi_1.conf\n" + INSTANCE, "vi_1.conf", INSTANCE),
            Set.of("vi_1.conf"),
            "0: is not a regular non-executable file - skipping",
            "warning keepalived.conf:1 include"),
        new Row(
            "includer: an executable file is an error",
            Map.of("keepalived.conf", "includer vi_1.conf\n" + INSTANCE, "vi_1.conf", INSTANCE),
            Set.of("vi_1.conf"),
            "6: is not a regular non-executable file - skipping",
            "error keepalived.conf:1 includer"),
        new Row(
            "a directory matched by a glob is skipped",
            Map.of("keepalived.conf", "include con*\n" + INSTANCE, "conf.d/x.conf", ""),
            Set.of(),
            "0: is a directory - skipping",
            "warning keepalived.conf:1 include"),
        new Row(
            "brace alternatives, one of them missing",
            Map.of("keepalived.conf", "include {vi_1,absent}.conf\n", "vi_1.conf", INSTANCE),
            Set.of(),
            "0: Some config files missing",
            "warning keepalived.conf:1 include"),
        new Row(
            "an include inside a block",
            Map.of(
                "keepalived.conf",
                "vrrp_instance VI_1 {\n    include vi_1.body\n}\n",
                "vi_1.body",
                INSTANCE.lines().skip(1).limit(7).reduce("", (a, b) -> a + b + "\n")),
            Set.of(),
            "0",
            "ok"),
        new Row(
            "an error in an included file names that file and line",
            Map.of(
                "keepalived.conf",
                "include vi_1.conf\n",
                "vi_1.conf",
                INSTANCE.replace("virtual_router_id 51", "virtual_router_id 256")),
            Set.of(),
            "5: VRID '256' not valid - must be between 1 & 255",
            "error vi_1.conf:4 virtual_router_id"));
  }

  /** Writes the row's files under {@code dir}; returns the main file. */
  static Path write(Row row, Path dir) throws IOException {
    for (Map.Entry<String, String> file : new TreeMap<>(row.files()).entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      if (row.executables().contains(file.getKey())) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return dir.resolve("keepalived.conf");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void ha4jFollowsTheIncludeAsKeepalivedDoes(Row row, @TempDir Path dir) throws Exception {
    Path main = write(row, dir);
    List<ConfigProblem> problems;
    try {
      KeepalivedConfig config = KeepalivedConfigLoader.load(main);
      assertThat(config.instances()).extracting(VrrpInstanceSpec::name).contains("VI_1");
      problems = config.warnings();
    } catch (ConfigException e) {
      problems = e.problems();
    }
    if (row.ha4j().equals("ok")) {
      assertThat(problems).isEmpty();
      return;
    }
    String[] expected = row.ha4j().split(" ");
    ConfigProblem.Severity severity = ConfigProblem.Severity.valueOf(expected[0].toUpperCase());
    assertThat(problems)
        .as("problems")
        .anySatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(severity);
              assertThat(p.location().toString()).isEqualTo(dir + "/" + expected[1]);
              assertThat(p.keyword()).isEqualTo(expected[2]);
            });
    if (severity == ConfigProblem.Severity.WARNING) {
      assertThat(problems).noneMatch(ConfigProblem::isError);
    }
  }

  @Test
  void aCycleIsANamedErrorAtTheInclude(@TempDir Path dir) throws Exception {
    Path main = Files.writeString(dir.resolve("keepalived.conf"), INSTANCE + "include loop.conf\n");
    Files.writeString(dir.resolve("loop.conf"), "\ninclude keepalived.conf\n");

    assertThatThrownBy(() -> KeepalivedConfigLoader.load(main))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .filteredOn(ConfigProblem::isError)
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.location().toString()).isEqualTo(dir + "/loop.conf:2");
                          assertThat(p.keyword()).isEqualTo("include");
                          assertThat(p.message()).startsWith("include cycle: ");
                        }));
  }

  @Test
  void anIncludeWithoutAPathIsRefusedAtItsLine() {
    assertThatThrownBy(() -> KeepalivedConfigLoader.load("k.conf", INSTANCE + "include  # none\n"))
        .hasMessageContaining("k.conf:10: error: 'include' needs a file name or glob pattern");
  }

  @Test
  void theTextLoaderUsedByCheckAndRunFollowsIncludesFromTheFilesDirectory(@TempDir Path dir)
      throws Exception {
    Path main = Files.writeString(dir.resolve("keepalived.conf"), "include conf.d/*.conf\n");
    Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(dir.resolve("conf.d/vi_1.conf"), INSTANCE);

    KeepalivedConfig config = KeepalivedConfigLoader.load(main.toString(), ConfigFiles.read(main));

    assertThat(config.instances())
        .singleElement()
        .satisfies(i -> assertThat(i.location().file()).isEqualTo(dir + "/conf.d/vi_1.conf"));
  }
}
