package org.ha4j.proxy.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * nginx's {@code include} in Debian's layout ({@code modules-enabled/}, {@code stream.d/}) and its
 * invalid forms, each row also handed to the real {@code nginx -t}, which must agree: accept it, or
 * refuse it naming the same file and line ({@code -} when nginx names none).
 */
class NginxIncludeTest {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

  /** Lines 1-4 of every row's nginx.conf, as Debian's file starts; the row's text follows. */
  private static final String HEAD =
      "include modules-enabled/*.conf;\nerror_log stderr;\npid %TMP%/nginx.pid;\nevents {}\n";

  private static final String MODULE = "load_module " + STREAM_MODULE + ";\n";
  private static final String APP =
      "upstream app { server 127.0.0.1:9001; }\nserver { listen 127.0.0.1:18080; proxy_pass app; }\n";

  /**
   * @param files relative path -> text (besides nginx.conf's {@link #HEAD} and the module)
   * @param nginx {@code ok}, or where {@code nginx -t} stops: "FILE:LINE" or "-"
   * @param ha4j {@code ok}, or "FILE:LINE KEYWORD" of ha4j's error
   */
  record Row(String name, Map<String, String> files, String nginx, String ha4j) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "stream {} in a modules-enabled file",
            Map.of("nginx.conf", "", "modules-enabled/60-app.conf", "stream {\n" + APP + "}\n"),
            "ok",
            "ok"),
        new Row(
            "stream {} including stream.d/*.conf",
            Map.of("nginx.conf", "stream { include stream.d/*.conf; }\n", "stream.d/app.conf", APP),
            "ok",
            "ok"),
        new Row(
            "a main-level include of a file holding stream {}",
            Map.of(
                "nginx.conf", "include stream.conf;\n", "stream.conf", "stream {\n" + APP + "}\n"),
            "ok",
            "ok"),
        new Row(
            "a relative include in an included file starts at the prefix, not beside it",
            Map.of(
                "nginx.conf", "stream { include stream.d/*.conf; }\n",
                "stream.d/app.conf", "include stream.d/app.inc;\n",
                "stream.d/app.inc", APP),
            "ok",
            "ok"),
        new Row(
            "a glob matching nothing is fine",
            Map.of(
                "nginx.conf",
                "include conf.d/*.conf;\nstream {\n" + APP + "}\n",
                "conf.d/README",
                ""),
            "ok",
            "ok"),
        new Row(
            "includes in http {} are nginx's business",
            Map.of("nginx.conf", "http { include absent/mime.types; }\nstream {\n" + APP + "}\n"),
            "nginx.conf:5",
            "ok"),
        new Row(
            "a missing file",
            Map.of("nginx.conf", "include absent.conf;\nstream {\n" + APP + "}\n"),
            "nginx.conf:5",
            "nginx.conf:5 include"),
        new Row(
            "a glob matching a directory",
            Map.of(
                "nginx.conf", "stream {\n" + APP + "}\ninclude stream*;\n", "stream.d/x.conf", ""),
            "-",
            "nginx.conf:9 include"),
        new Row(
            "two paths",
            Map.of("nginx.conf", "include a.conf b.conf;\nstream {\n" + APP + "}\n"),
            "nginx.conf:5",
            "nginx.conf:5 include"),
        new Row(
            "no path",
            Map.of("nginx.conf", "include;\nstream {\n" + APP + "}\n"),
            "nginx.conf:5",
            "nginx.conf:5 include"),
        new Row(
            "an error in an included file names that file and line",
            Map.of(
                "nginx.conf",
                "stream { include stream.d/*.conf; }\n",
                "stream.d/app.conf",
                APP.replace("9001", "99999")),
            "stream.d/app.conf:1",
            "stream.d/app.conf:1 server"));
  }

  private static Path write(Row row, Path dir) throws Exception {
    Files.createDirectories(dir.resolve("modules-enabled"));
    Files.writeString(dir.resolve("modules-enabled/50-mod-stream.conf"), MODULE);
    for (Map.Entry<String, String> file : row.files().entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      String text = file.getValue();
      if (file.getKey().equals("nginx.conf")) {
        text = HEAD.replace("%TMP%", dir.toString()) + text;
      }
      Files.writeString(path, text, StandardCharsets.UTF_8);
    }
    return dir.resolve("nginx.conf");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void ha4jFollowsTheIncludeAsNginxDoes(Row row, @TempDir Path dir) throws Exception {
    Path conf = write(row, dir);
    if (row.ha4j().equals("ok")) {
      NginxStreamConfig config = NginxStreamConfigLoader.load(conf);
      assertThat(config.servers())
          .singleElement()
          .satisfies(s -> assertThat(s.listenPort()).isEqualTo(18080));
      assertThat(config.notes()).noneMatch(ConfigProblem::isError);
      return;
    }
    String[] where = row.ha4j().split(" ");
    try {
      NginxStreamConfigLoader.load(conf);
      throw new AssertionError("loaded, but the row expects an error at " + row.ha4j());
    } catch (ConfigException e) {
      assertThat(e.problems())
          .filteredOn(ConfigProblem::isError)
          .anySatisfy(
              p -> {
                assertThat(p.location().toString()).isEqualTo(dir + "/" + where[0]);
                assertThat(p.keyword()).isEqualTo(where[1]);
              });
    }
  }

  @Test
  void problemsAreListedFileByFileInTheOrderTheFilesWereRead(@TempDir Path dir) throws Exception {
    Row row =
        new Row(
            "",
            Map.of(
                "nginx.conf",
                "stream {\n include stream.d/*.conf;\n bogus_main;\n}\n",
                "stream.d/app.conf",
                "bogus_included;\n" + APP),
            "",
            "");
    Path conf = write(row, dir);
    try {
      NginxStreamConfigLoader.load(conf);
      throw new AssertionError("loaded with two unknown directives");
    } catch (ConfigException e) {
      assertThat(e.problems())
          .filteredOn(ConfigProblem::isError)
          .extracting(p -> p.location().toString())
          .containsExactly(dir + "/nginx.conf:7", dir + "/stream.d/app.conf:1");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void nginxAgreesWithTheRow(Row row, @TempDir Path dir) throws Exception {
    boolean available = Files.isExecutable(NGINX) && Files.exists(STREAM_MODULE);
    if ("1".equals(System.getenv("HA4J_REQUIRE_PRIVILEGED"))) {
      assertThat(available).as("nginx with the stream module").isTrue();
    }
    Assumptions.assumeTrue(available, "nginx with its stream module is not installed");
    Path conf = write(row, dir);
    Process nginx =
        new ProcessBuilder(NGINX.toString(), "-t", "-q", "-p", dir + "/", "-c", conf.toString())
            .redirectErrorStream(true)
            .start();
    String output;
    try {
      output = new String(nginx.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(nginx.waitFor(30, TimeUnit.SECONDS)).as("nginx -t finished").isTrue();
    } finally {
      nginx.destroyForcibly();
    }
    if (row.nginx().equals("ok")) {
      assertThat(nginx.exitValue()).as(output).isZero();
      return;
    }
    assertThat(nginx.exitValue()).as(output).isNotZero();
    Matcher at = Pattern.compile(" in (/\\S+:\\d+)").matcher(output);
    if (row.nginx().equals("-")) {
      assertThat(at.find()).as(output).isFalse();
    } else {
      assertThat(at.find()).as(output).isTrue();
      assertThat(at.group(1)).isEqualTo(dir + "/" + row.nginx());
    }
  }
}
