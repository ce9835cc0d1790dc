package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ha4j.node.HaNode;
import org.ha4j.node.NodeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ./ha4j check K N} fails exactly when {@code ./ha4j run --keepalived K --nginx N} refuses
 * to start, with the same file:line errors: both go through {@link HaNode#fromFiles}. Every row
 * here is refused, so {@code run} never gets as far as binding anything.
 */
class CheckMatchesRunTest {

  private static final String INSTANCE =
      """
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 1
                virtual_ipaddress {
                    %s
                }
                %s
            }
            """;
  private static final String KEEPALIVED = INSTANCE.formatted("10.200.0.100/24", "");
  private static final String NGINX =
      """
            stream {
                upstream app { server 127.0.0.1:9001; }
                server {
                    listen 127.0.0.1:18080;
                    proxy_pass app;
                }
            }
            """;

  @TempDir Path dir;

  static Stream<Arguments> refusedByRun() {
    return Stream.of(
        Arguments.of(
            "a VIP on another device",
            INSTANCE.formatted("10.200.0.100/24 dev eth1", ""),
            NGINX,
            "k.conf:1: error: 'virtual_ipaddress' VIP 10.200.0.100/24 dev eth1"),
        Arguments.of(
            "no vrrp_instance",
            "global_defs {\n    router_id LB1\n}\n",
            NGINX,
            "k.conf:1: error: 'vrrp_instance' a load-balancer node needs at least one vrrp_instance"),
        Arguments.of(
            "no stream server",
            KEEPALIVED,
            "stream {\n    upstream app { server 127.0.0.1:9001; }\n}\n",
            "n.conf:1: error: 'server' a proxy needs a stream { server { listen; proxy_pass } } block"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByRun")
  void checkFailsWhereRunRefusesWithTheSameErrors(
      String what, String keepalived, String nginx, String error) throws Exception {
    Path k = Files.writeString(dir.resolve("k.conf"), keepalived);
    Path n = Files.writeString(dir.resolve("n.conf"), nginx);

    Result check = ha4j("check", "--keepalived", k.toString(), "--nginx", n.toString());
    Result run = ha4j("run", "--keepalived", k.toString(), "--nginx", n.toString());

    assertThat(run.exit).as("run refuses").isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(check.exit)
        .as("check fails:\n%s", check.text)
        .isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    Set<String> runErrors = errors(run.text);
    assertThat(runErrors)
        .anyMatch(
            line ->
                line.startsWith(
                    dir.resolve(error.substring(0, error.indexOf(':')))
                        + error.substring(error.indexOf(':'))));
    assertThat(errors(check.text)).isEqualTo(runErrors);
  }

  @Test
  void aKeepalivedConfAloneIsRefusedForWhatRunCannotCarryOut() throws Exception {
    Path k =
        Files.writeString(
            dir.resolve("k.conf"), INSTANCE.formatted("10.200.0.100/24 dev eth1", ""));
    Result check = ha4j("check", k.toString());
    assertThat(check.exit).isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(errors(check.text))
        .containsExactly(
            k
                + ":1: error: 'virtual_ipaddress' VIP 10.200.0.100/24 dev"
                + " eth1: ha4j puts the VIPs on the instance's interface (eth0) only");
  }

  @Test
  void whatCheckPassesRunLoads() throws Exception {
    Path k = Files.writeString(dir.resolve("k.conf"), KEEPALIVED);
    Path n = Files.writeString(dir.resolve("n.conf"), NGINX);
    assertThat(ha4j("check", "--keepalived", k.toString(), "--nginx", n.toString()).exit).isZero();
    // run's load-and-validate step, without starting anything
    assertThat(HaNode.fromFiles(k, n, NodeOptions.defaults(line -> {})).describe())
        .anyMatch(line -> line.startsWith("vrrp_instance VI_1"));
  }

  private record Result(int exit, String text) {}

  private static Result ha4j(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream printer = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = Ha4jCommandLine.run(List.of(args), printer, printer);
    return new Result(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  private static Set<String> errors(String text) {
    return text.lines()
        .map(String::strip)
        .filter(line -> line.matches("\\S+:\\d+: error: .*"))
        .collect(Collectors.toSet());
  }
}
