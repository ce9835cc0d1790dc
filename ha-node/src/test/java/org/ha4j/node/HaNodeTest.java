package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ha4j.core.config.ConfigException;
import org.ha4j.proxy.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaNodeTest {

  private static final Path LB1 = Path.of("../reference-deployment/lb1/keepalived.conf");
  private static final Path NGINX = Path.of("../reference-deployment/nginx.conf");

  private final List<String> events = new ArrayList<>();

  @Test
  void theSeedsFilesLoadAndTheProxyHealthStandsInForCheckNginx() throws Exception {
    HaNode node =
        HaNode.fromFiles(
            LB1, NGINX, NodeOptions.defaults(events::add).replacing(Set.of("check_nginx")));
    List<String> described = node.describe();
    assertThat(described)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("VI_1")
                    .contains("VRID 51")
                    .contains("priority 100")
                    .contains("192.168.122.100/32"));
    assertThat(described).anySatisfy(l -> assertThat(l).contains("this replaces check_nginx.sh"));
    assertThat(described).anySatisfy(l -> assertThat(l).contains("check_nginx: not run"));
    assertThat(described)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("listen *:8080 -> tomcat")
                    .contains("192.168.122.12:8080")
                    .contains("192.168.122.13:8080"));
    assertThat(described)
        .anySatisfy(l -> assertThat(l).contains("nginx.conf:33").contains("'http'"));
    assertThat(node.proxyHealth().current().isUp()).isFalse();
  }

  @Test
  void aMissingCheckScriptIsPointedOutWithTheFlagThatReplacesIt() throws Exception {
    HaNode node = HaNode.fromFiles(LB1, NGINX, NodeOptions.defaults(events::add));
    assertThat(node.describe())
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("/etc/nginx/check_nginx.sh does not exist")
                    .contains("--proxy-health-replaces check_nginx"));
  }

  @Test
  void replacingAScriptTheFileDoesNotDefineIsAnErrorWithFileAndLine() {
    assertThatThrownBy(
            () ->
                HaNode.fromFiles(
                    LB1,
                    NGINX,
                    NodeOptions.defaults(events::add).replacing(Set.of("check_haproxy"))))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems().toString())
                    .contains("keepalived.conf:10")
                    .contains("check_haproxy")
                    .contains("[check_nginx]"));
  }

  @Test
  void badServerParametersAndVipsOnAnotherInterfaceAreErrorsWithFileAndLine(@TempDir Path dir)
      throws Exception {
    Path nginx =
        write(
            dir,
            "nginx.conf",
            """
                stream {
                  upstream app { server 10.200.0.12:8080 weight=0; }
                  server { listen 8080; proxy_pass app; }
                }
                """);
    Path keepalived =
        write(
            dir,
            "keepalived.conf",
            """
                vrrp_instance VI_1 {
                  interface eth0
                  virtual_router_id 51
                  virtual_ipaddress { 10.200.0.100 dev eth1 }
                }
                """);
    assertThatThrownBy(() -> HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add)))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              String all = e.problems().toString();
              assertThat(all).contains("nginx.conf:2").contains("weight");
              assertThat(all).contains("keepalived.conf:1").contains("dev eth1");
            });
  }

  @Test
  void everyStreamSettingReachesTheProxy(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("access.log");
    Path nginx =
        write(
            dir,
            "nginx.conf",
            """
                stream {
                  log_format main '$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent';
                  upstream app {
                    hash $remote_addr consistent;
                    server 127.0.0.1:1 weight=2 max_fails=3 fail_timeout=5s;
                    server 127.0.0.1:2 backup;
                  }
                  server {
                    listen 127.0.0.1:%d;
                    proxy_pass app;
                    proxy_connect_timeout 2s;
                    proxy_timeout 1m;
                    allow 127.0.0.0/8;
                    deny all;
                    access_log %s main;
                  }
                }
                """
                .formatted(freePort(), log));
    Path keepalived =
        write(
            dir,
            "keepalived.conf",
            """
                vrrp_instance VI_1 { interface lo
                  virtual_router_id 51
                  virtual_ipaddress { 10.200.0.100 } }
                """);
    // hash with a backup server: nginx refuses it ("backup" with "hash"), and so does the proxy's
    // parser.
    assertThatThrownBy(() -> HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add)))
        .isInstanceOf(ConfigException.class);
    Files.writeString(
        nginx,
        Files.readString(nginx).replace("server 127.0.0.1:2 backup;", "server 127.0.0.1:2;"));
    HaNode node = HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add));
    List<Proxy> proxies = node.buildProxiesForTest();
    assertThat(proxies).hasSize(1);
    Proxy proxy = proxies.get(0);
    try {
      proxy.start();
      assertThat(proxy.upstream("app").strategy().toString()).containsIgnoringCase("hash");
      assertThat(proxy.upstream("app").stats(0)).hasSize(2);
    } finally {
      proxy.stop();
    }
    assertThat(log).exists();
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
