package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Ha4jCommandLine.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void exitsZeroWhenEveryProbeIsHealthyAndOneOtherwise() throws IOException {
    int port;
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
      assertThat(run("probe", "tcp:127.0.0.1:" + port, "exec:true")).isZero();
      assertThat(output())
          .contains("tcp:127.0.0.1:" + port + ": OK (connected to 127.0.0.1:" + port + ") in ")
          .contains("exec:true: OK (exit status 0) in ");
    }
    out.reset();
    assertThat(run("probe", "--timeout", "2", "tcp:127.0.0.1:" + port, "exec:true")).isEqualTo(1);
    assertThat(output())
        .contains(
            "tcp:127.0.0.1:"
                + port
                + ": FAILED (connect to 127.0.0.1:"
                + port
                + ": Connection refused");
  }

  @Test
  void aScriptPastTheTimeoutFails() {
    assertThat(run("probe", "--timeout", "0.3", "exec:sleep 30")).isEqualTo(1);
    assertThat(output())
        .contains(
            "exec:sleep 30: FAILED (timed out, process tree terminated (killed by signal 15))");
  }

  @Test
  void watchPrintsTransitions() {
    assertThat(run("probe", "--watch", "--timeout", "5", "--for", "2", "exec:false")).isZero();
    assertThat(output())
        .contains("exec:false starts UP")
        .contains("exec:false UP -> DOWN (exit status 1, ");
  }

  @Test
  void anUnknownKindIsAUsageError() {
    assertThat(run("probe", "smtp:mail:25")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown probe kind 'smtp'");
    assertThat(run("probe", "--rise", "2", "process:nginx")).isEqualTo(2);
    assertThat(run("probe")).isEqualTo(2);
  }
}
