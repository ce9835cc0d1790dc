package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

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

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheReferenceTopology() {
    int exit =
        run(
            "check",
            "../reference-deployment/lb1/keepalived.conf",
            "../reference-deployment/nginx.conf");

    assertThat(exit).isZero();
    assertThat(output())
        .contains(
            "vrrp_instance VI_1: interface ens3, VRID 51, priority 100, initial state MASTER, "
                + "advert_int 1s, auth PASS, preempt")
        .contains("VIPs: 192.168.122.100/32")
        .contains("track_script check_nginx: '/etc/nginx/check_nginx.sh' every 1000ms")
        .contains("upstream tomcat: round robin (weighted)")
        .contains("server 192.168.122.12:8080", "server 192.168.122.13:8080")
        .contains(
            "server: listen *:8080 -> tomcat; connect timeout 1m, idle timeout 10m, next upstream on")
        .contains("'http' outside stream {}: skipped")
        .contains("With ha4j's in-process proxy it is not needed")
        .endsWith("check passed\n");
  }

  @Test
  void listsEveryErrorWithFileLineAndFails(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("keepalived.conf");
    Files.writeString(
        bad, "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 0\n  prio 5\n}\n");

    int exit = run("check", bad.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(output()).contains(bad + ": FAILED (keepalived)").endsWith("check FAILED\n");
    assertThat(errors())
        .contains(bad + ":3: error: 'virtual_router_id' expected a whole number 1-255, got '0'")
        .contains(bad + ":4: error: 'prio' unknown or unsupported keyword in vrrp_instance");
    assertThat(output()).doesNotContain(": error:");
  }

  @Test
  void anIpv6InstancePassesAsVrrpv3AndAMixedOneFailsWithItsLine(@TempDir Path dir)
      throws Exception {
    Path v6 = dir.resolve("keepalived.conf");
    Files.writeString(
        v6,
        "vrrp_instance VI_6 {\n  interface eth0\n  virtual_router_id 61\n  advert_int 0.1\n"
            + "  virtual_ipaddress {\n    fd00:200::100/64\n  }\n}\n");
    assertThat(run("check", v6.toString())).isZero();
    assertThat(output()).contains("VIPs: fd00:200::100/64").endsWith("check passed\n");

    Files.writeString(
        v6,
        "vrrp_instance VI_6 {\n  interface eth0\n  virtual_router_id 61\n"
            + "  virtual_ipaddress {\n    fd00:200::100/64\n    10.200.0.100\n  }\n}\n");
    assertThat(run("check", v6.toString())).isEqualTo(1);
    assertThat(errors())
        .contains(v6 + ":6: error: '10.200.0.100' address family must match VRRP instance");
  }

  @Test
  void withoutFilesItIsAUsageError() {
    assertThat(run("check")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("give at least one file")
        .contains("usage: ha4j check");
  }

  @Test
  void aGbkCommentPassesAsItDoesForKeepalived(@TempDir Path dir) throws Exception {
    // The reference file re-saved in GBK, as Chinese editors on Windows save it.
    String text =
        Files.readString(
            Path.of("../reference-deployment/lb1/keepalived.conf"), StandardCharsets.UTF_8);
    Path gbk =
        Files.write(
            dir.resolve("keepalived.conf"), text.getBytes(java.nio.charset.Charset.forName("GBK")));

    int exit = run("check", gbk.toString());

    assertThat(exit).isZero();
    assertThat(output())
        .contains("vrrp_instance VI_1: interface ens3, VRID 51, priority 100")
        .endsWith("check passed\n");
  }

  @Test
  void devZeroFailsByNameWithinSeconds() {
    int exit =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(10), () -> run("check", "--nginx", "/dev/zero"));

    assertThat(exit).isEqualTo(1);
    assertThat(output()).contains("/dev/zero: FAILED (nginx)");
    assertThat(errors())
        .contains("/dev/zero:1: error: not a regular file (a device, FIFO or socket)");
  }

  @Test
  void aTimeoutThatWouldOverflowFailsTheCheckWithItsLine(@TempDir Path dir) throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("nginx.conf"),
            "stream {\n  upstream u { server 127.0.0.1:9; }\n  server {\n    listen 8080;\n    proxy_pass u;\n"
                + "    proxy_timeout 300y;\n  }\n}\n");

    int exit = run("check", "--nginx", conf.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(errors())
        .contains(
            conf
                + ":6: error: 'proxy_timeout' invalid duration '300y': longer than the "
                + "maximum 24855d3h14m7s (2147483647s, about 68 years)");
  }
}
