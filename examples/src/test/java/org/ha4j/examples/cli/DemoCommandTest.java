package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void aBadSubnetOrSeedDirIsAUsageError() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(Ha4jCommandLine.run(List.of("demo", "--subnet", "10.200"), err, err)).isEqualTo(2);
    assertThat(Ha4jCommandLine.run(List.of("demo", "--seed-dir", "/nonexistent"), err, err))
        .isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("--subnet must be three octets such as 192.168.122, got '10.200'")
        .contains("no reference deployment in /nonexistent");
  }

  @Test
  void runWithABrokenFileExitsOneWithFileAndLine(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path keepalived = dir.resolve("keepalived.conf");
    java.nio.file.Files.writeString(
        keepalived, "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n}\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit =
        Ha4jCommandLine.run(
            List.of(
                "run",
                "--keepalived",
                keepalived.toString(),
                "--nginx",
                "../reference-deployment/nginx.conf"),
            both,
            both);
    assertThat(exit).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("keepalived.conf:3")
        .contains("virtual_router_id");
  }
}
