package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keepalived column of {@link KeepalivedIncludeTest}'s rows, checked against the real {@code
 * keepalived -t} in a namespace whose eth0 exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepalivedIncludeParityIT {

  private final AtomicInteger rowNumber = new AtomicInteger();
  private NetnsLan lan;
  private NetnsHost host;

  @BeforeAll
  void namespace() throws IOException {
    Privileges.assumeRoot("keepalived -t in a namespace");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    host = lan.addHost("ki", 12);
  }

  @AfterAll
  void close() {
    if (lan != null) {
      lan.close();
    }
  }

  static Stream<KeepalivedIncludeTest.Row> rows() {
    return KeepalivedIncludeTest.rows();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void keepalivedSaysWhatTheRowSays(KeepalivedIncludeTest.Row row) throws Exception {
    Path dir = host.file("include-row-" + rowNumber.incrementAndGet());
    Files.createDirectories(dir);
    Path main = KeepalivedIncludeTest.write(row, dir);
    Process check =
        new ProcessBuilder(
                List.of(
                    "ip",
                    "netns",
                    "exec",
                    host.namespace(),
                    "keepalived",
                    "-t",
                    "-l",
                    "-n",
                    "-f",
                    main.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String[] verdict = row.keepalived().split(": ", 2);
    assertThat(check.exitValue())
        .as("keepalived -t exit status; output:%n%s", output)
        .isEqualTo(Integer.parseInt(verdict[0]));
    if (verdict.length > 1) {
      assertThat(output).contains(verdict[1]);
    }
  }
}
