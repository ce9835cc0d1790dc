package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code check}'s two streams, its explanations of ignored directives, and {@code --strict}. */
class CheckStrictTest {

  private static final String LB1 = "../reference-deployment/lb1/keepalived.conf";
  private static final String NGINX = "../reference-deployment/nginx.conf";

  private record Result(int exit, String out, String err) {}

  private static Result check(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> line = new java.util.ArrayList<>(List.of("check"));
    line.addAll(List.of(args));
    int exit =
        Ha4jCommandLine.run(
            line,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void warningsPassAndSayWhatTheIgnoredDirectiveWouldHaveDone() {
    Result result = check(LB1, NGINX);
    assertThat(result.exit()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .contains(
            "  " + NGINX + ":3: warning: 'user' outside stream {}: skipped",
            "    in nginx, 'user' sets the user and group of the worker processes",
            "    in nginx, 'http' configures nginx's HTTP server",
            "0 errors, 6 warnings")
        .endsWith("check passed\n");
  }

  @Test
  void strictTurnsEveryWarningIntoAnErrorOnStderr() {
    Result result = check("--strict", LB1, NGINX);
    assertThat(result.exit()).isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(result.err())
        .startsWith(NGINX + ":3: warning: 'user' outside stream {}: skipped")
        .contains("  in nginx, 'worker_processes' sets how many worker processes")
        .doesNotContain("ok (");
    assertThat(result.err().lines().filter(l -> l.contains(": warning: ")).count()).isEqualTo(6);
    assertThat(result.out())
        .doesNotContain(": warning: ")
        .contains("vrrp_instance VI_1", "6 warnings (errors under --strict, on stderr)")
        .endsWith("check FAILED\n");
  }

  @Test
  void strictPassesAFileWithoutWarnings() {
    Result result = check("--strict", LB1);
    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    assertThat(result.out()).endsWith("check passed\n");
  }
}
