package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keepalived column of {@link KeepalivedCheckParityTest}, checked against the real {@code
 * keepalived -t} in a namespace whose eth0 exists, so the table cannot drift from what keepalived
 * says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepalivedCheckParityIT {

  private NetnsLan lan;
  private NetnsHost host;

  @BeforeAll
  void namespace() throws IOException {
    Privileges.assumeRoot("keepalived -t in a namespace");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    host = lan.addHost("kt", 11);
  }

  @AfterAll
  void close() {
    if (lan != null) {
      lan.close();
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> table() {
    return KeepalivedCheckParityTest.table();
  }

  @ParameterizedTest(name = "{0}: keepalived -t {2}")
  @MethodSource("table")
  void keepalivedSaysWhatTheTableSays(String what, String text, String keepalived, String ha4j)
      throws Exception {
    Path conf = host.file("parity.conf");
    Files.writeString(conf, text);
    assertKeepalivedSays(host, conf, keepalived);
  }

  /**
   * Runs {@code keepalived -t} on {@code conf} in {@code host}'s namespace and checks its {@code
   * verdict}: the exit status, and after ": " a text its output contains.
   */
  static void assertKeepalivedSays(NetnsHost host, Path conf, String verdict) throws Exception {
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
                    conf.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String[] expected = verdict.split(": ", 2);
    assertThat(check.exitValue())
        .as("keepalived -t exit status; output:%n%s", output)
        .isEqualTo(Integer.parseInt(expected[0]));
    if (expected.length > 1) {
      assertThat(output).contains(expected[1]);
    }
  }
}
