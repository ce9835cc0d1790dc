package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag handling of {@code ha4j run} that stops before anything starts. */
class RunCommandTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("run"));
    all.addAll(List.of(args));
    return Ha4jCommandLine.run(
        all,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String seed(String file) {
    Path here = Path.of("").toAbsolutePath();
    Path root = here.getFileName().toString().equals("examples") ? here.getParent() : here;
    return root.resolve("reference-deployment").resolve(file).toString();
  }

  @Test
  void anUnknownRelayIsAUsageErrorNamingTheThreeRelays() {
    assertThat(
            run(
                "--keepalived",
                seed("lb1/keepalived.conf"),
                "--nginx",
                seed("nginx.conf"),
                "--relay",
                "zerocopy"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--relay must be splice, copy or auto, got 'zerocopy'");
  }

  @Test
  void anUnreadableFileIsAUsageError() {
    assertThat(run("--keepalived", "/nonexistent/keepalived.conf", "--nginx", seed("nginx.conf")))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cannot read /nonexistent/keepalived.conf");
  }
}
