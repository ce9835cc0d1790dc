package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ha4j demo} end to end: namespaces, two Tomcat JVMs, two {@code ha4j run} JVMs from the
 * seed's files, the story driver in the client namespace. Uses 10.200.0.0/24 (the test network
 * rule) instead of the seed's 192.168.122.0/24; the demo rewrites the files' addresses accordingly.
 */
class DemoIT {

  @Test
  void theSeedsStoryPlaysOutAndNothingIsLeftBehind() throws IOException {
    Privileges.assumeRoot("./ha4j demo builds network namespaces");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = Ha4jCommandLine.run(List.of("demo", "--subnet", "10.200.0"), out, out);
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);

    assertThat(output).contains("[ok] LB1 holds 10.200.0.100");
    assertThat(output).containsPattern("\\[ok\\] round robin: \\[(APP0[12], ){5}APP0[12]\\]");
    assertThat(output)
        .containsPattern("10\\.200\\.0\\.1 10\\.200\\.0\\.1[23]:8080 - \\[[^]]+\\] 200 \\d+");
    assertThat(output).contains("[ok] LB2 holds the VIP, LB1 does not");
    assertThat(output)
        .containsPattern("after 'proxy stopped on LB1': (outage \\d+ ms|.*every one answered)");
    assertThat(output).contains("[ok] the client keeps being served, now through LB2");
    assertThat(output).contains("[ok] LB1 holds the VIP again");
    assertThat(output).contains("LB2 | STATE VI_1 BACKUP -> MASTER (master resigned (priority 0)");
    assertThat(output).contains("[ok] both nodes stopped gracefully");
    assertThat(output).contains("every check passed");
    assertThat(output).doesNotContain("[FAILED]");
    assertThat(exit).isZero();

    String prefix = output.replaceAll("(?s).*namespaces (h4j[0-9a-f]{4}-)\\{.*", "$1");
    assertThat(prefix).startsWith("h4j");
    Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String namespaces = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(namespaces).doesNotContain(prefix);
  }
}
