package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HaNode#check} and {@link HaNode#streamProxy}: the same refusals, from the library. */
class HaNodeCheckTest {

  private static final Path LB1 = Path.of("../reference-deployment/lb1/keepalived.conf");
  private static final Path NGINX = Path.of("../reference-deployment/nginx.conf");

  @Test
  void theSeedsFilesPassAndTheReportSaysWhatWasUnderstood() throws Exception {
    CheckReport report = HaNode.check(List.of(LB1), List.of(NGINX));
    assertThat(report.passed()).as("%s", report.lines()).isTrue();
    assertThat(report.lines())
        .contains(LB1 + ": ok (keepalived)", NGINX + ": ok (nginx, stream {})");
    assertThat(report.lines())
        .anyMatch(l -> l.contains("vrrp_instance VI_1: interface ens3, VRID 51"));
    assertThat(report.lines())
        .anyMatch(l -> l.startsWith("note: vrrp_script check_nginx") && l.contains("not needed"));
    assertThat(HaNode.isKeepalivedConf(LB1)).isTrue();
    assertThat(HaNode.isKeepalivedConf(NGINX)).isFalse();
  }

  @Test
  void anNginxConfWithoutAServerFailsAsTheStreamProxyRefusesIt(@TempDir Path dir) throws Exception {
    Path nginx =
        Files.writeString(
            dir.resolve("n.conf"), "stream {\n  upstream app { server 127.0.0.1:9001; }\n}\n");
    String error =
        nginx
            + ":1: error: 'server' a proxy needs a stream { server { listen; proxy_pass } } block";

    CheckReport report = HaNode.check(List.of(), List.of(nginx));
    assertThat(report.passed()).isFalse();
    assertThat(report.lines())
        .containsSubsequence("FAILED as ./ha4j proxy --nginx would refuse it:", "  " + error);
    assertThatThrownBy(() -> HaNode.streamProxy(nginx, NodeOptions.defaults(line -> {})))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.problems()).extracting(Object::toString).containsExactly(error));
  }

  @Test
  void everyIgnoredDirectiveOfTheSeedSaysWhatItWouldHaveDone() throws Exception {
    CheckReport report = HaNode.check(List.of(LB1), List.of(NGINX));
    List<CheckReport.Entry> warnings =
        report.entries().stream().filter(e -> e.kind() == CheckReport.Kind.WARNING).toList();
    assertThat(warnings).hasSize(6);
    assertThat(warnings).allSatisfy(w -> assertThat(w.explanation()).startsWith("in nginx, '"));
    assertThat(report.passed()).isTrue();
    assertThat(report.passedStrictly()).isFalse();
  }

  @Test
  void ignoredKeepalivedAndListenParametersAreExplainedToo(@TempDir Path dir) throws Exception {
    Path keepalived =
        Files.writeString(
            dir.resolve("k.conf"),
            "global_defs {\n  smtp_server 127.0.0.1\n}\n"
                + "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  priority 100\n"
                + "  virtual_ipaddress {\n    10.200.0.100\n  }\n}\n");
    Path nginx =
        Files.writeString(
            dir.resolve("n.conf"),
            "stream {\n  server {\n    listen 127.0.0.1:9000 deferred;\n"
                + "    proxy_pass 127.0.0.1:9001;\n  }\n}\n");
    CheckReport report = HaNode.check(List.of(keepalived), List.of(nginx));
    assertThat(report.lines())
        .contains(
            "    in keepalived, 'smtp_server' names the mail server for state-change mails",
            "    in nginx, 'listen deferred' accepts only once data arrives (TCP_DEFER_ACCEPT)");
  }
}
