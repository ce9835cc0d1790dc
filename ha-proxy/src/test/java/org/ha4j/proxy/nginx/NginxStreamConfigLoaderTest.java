package org.ha4j.proxy.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.net.IpCidr;
import org.ha4j.proxy.nginx.NginxStreamConfig.AccessRule;
import org.ha4j.proxy.nginx.NginxStreamConfig.Server;
import org.ha4j.proxy.nginx.NginxStreamConfig.ServerLine;
import org.ha4j.proxy.nginx.NginxStreamConfig.Upstream;
import org.junit.jupiter.api.Test;

class NginxStreamConfigLoaderTest {

  @Test
  void loadsTheReferenceDeploymentsNginxConfAsItIs() throws Exception {
    // the file is LB1's: its log directory, /var/log/nginx, is there, whether or not this host has
    // nginx
    Path file = Path.of("..", "reference-deployment", "nginx.conf");
    NginxStreamConfig config =
        NginxStreamConfigLoader.load(
            file.toString(), Files.readString(file), dir -> dir.equals(Path.of("/var/log/nginx")));

    assertThat(config.notes())
        .allMatch(p -> !p.isError())
        .extracting(ConfigProblem::keyword)
        // include /usr/share/nginx/modules/*.conf is followed: on Debian it matches nothing
        .containsExactly("user", "worker_processes", "error_log", "pid", "events", "http");
    assertThat(config.logFormats())
        .containsEntry(
            "main", "$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent");

    Upstream tomcat = config.upstream("tomcat").orElseThrow();
    assertThat(tomcat.method()).isEmpty();
    assertThat(tomcat.servers())
        .extracting(ServerLine::text)
        .containsExactly("192.168.122.12:8080", "192.168.122.13:8080");

    Server server = config.servers().get(0);
    assertThat(server.listenHost()).isEmpty();
    assertThat(server.listenPort()).isEqualTo(8080);
    assertThat(server.proxyPass()).isEqualTo("tomcat");
    assertThat(server.connectTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(server.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(server.nextUpstream()).isTrue();
    assertThat(server.accessLogPath()).contains("/var/log/nginx/tomcat-access.log");
    assertThat(server.accessLogFormat())
        .contains("$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent");
  }

  @Test
  void appliesStreamLevelSettingsUnlessAServerSetsItsOwn() throws Exception {
    NginxStreamConfig config =
        NginxStreamConfigLoader.load(
            "n.conf",
            """
                stream {
                    log_format basic '$remote_addr [$time_local] '
                                     '$status $bytes_sent';
                    limit_conn_zone $binary_remote_addr zone=per_client:10m;
                    limit_conn_zone $server_port zone=per_port:1m;
                    proxy_connect_timeout 2s;
                    proxy_timeout 30s;
                    deny 10.9.0.0/16;
                    allow all;
                    access_log /var/log/stream.log basic;
                    upstream app {
                        hash $remote_addr consistent;
                        server 10.200.0.12:8080 weight=5 max_fails=3 fail_timeout=20s;
                        server 10.200.0.13:8080 max_conns=100;
                    }
                    server {
                        listen 10.200.0.100:8080 reuseport backlog=1024;
                        proxy_pass app;
                        proxy_next_upstream_tries 2;
                        limit_conn per_client 10;
                        limit_conn per_port 1000;
                    }
                    server {
                        listen 9000;
                        proxy_pass 10.200.0.12:9000;
                        proxy_timeout 1m;
                        proxy_next_upstream off;
                        allow 10.200.0.0/24;
                        deny all;
                        access_log off;
                    }
                }
                """);
    assertThat(config.logFormats().get("basic"))
        .isEqualTo("$remote_addr [$time_local] $status $bytes_sent");
    assertThat(config.upstream("app").orElseThrow().method())
        .contains("hash $remote_addr consistent");
    assertThat(config.upstream("app").orElseThrow().servers().get(0).text())
        .isEqualTo("10.200.0.12:8080 weight=5 max_fails=3 fail_timeout=20s");

    Server first = config.servers().get(0);
    assertThat(first.listenHost()).contains("10.200.0.100");
    assertThat(first.reusePort()).isTrue();
    assertThat(first.backlog()).hasValue(1024);
    assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(first.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(first.nextUpstreamTries()).isEqualTo(2);
    assertThat(first.accessRules())
        .containsExactly(
            new AccessRule(false, Optional.of(IpCidr.parse("10.9.0.0/16"))),
            new AccessRule(true, Optional.empty()));
    assertThat(first.maxConnectionsPerClient()).hasValue(10);
    assertThat(first.maxConnections()).hasValue(1000);
    assertThat(first.accessLogPath()).contains("/var/log/stream.log");

    Server second = config.servers().get(1);
    assertThat(second.proxyPass()).isEqualTo("10.200.0.12:9000");
    assertThat(second.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(second.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(second.nextUpstream()).isFalse();
    assertThat(second.accessRules())
        .containsExactly(
            new AccessRule(true, Optional.of(IpCidr.parse("10.200.0.0/24"))),
            new AccessRule(false, Optional.empty()));
    assertThat(second.maxConnectionsPerClient()).isEmpty();
    assertThat(second.accessLogPath()).isEqualTo(Optional.empty());
  }

  @Test
  void readsTheProxyProtocolDirectivesWithStreamLevelInheritance() throws Exception {
    NginxStreamConfig config =
        NginxStreamConfigLoader.load(
            "pp.conf",
            """
            stream {
                upstream u { server 10.0.0.1:80; }
                proxy_protocol on;
                proxy_protocol_timeout 5s;
                set_real_ip_from 10.0.0.0/8;
                set_real_ip_from fd00::/8;
                server { listen 8080 proxy_protocol; proxy_pass u; }
                server {
                    listen 8081;
                    proxy_pass u;
                    proxy_protocol off;
                    set_real_ip_from 192.0.2.1;
                }
            }
            """);
    NginxStreamConfig.ProxyProtocolSettings inherits = config.servers().get(0).proxyProtocol();
    assertThat(inherits.accept()).isTrue();
    assertThat(inherits.send()).isTrue();
    assertThat(inherits.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(inherits.realIpFrom())
        .extracting(Object::toString)
        .containsExactly("10.0.0.0/8", "fd00::/8");
    NginxStreamConfig.ProxyProtocolSettings own = config.servers().get(1).proxyProtocol();
    assertThat(own.accept()).isFalse();
    assertThat(own.send()).isFalse();
    assertThat(own.realIpFrom()).extracting(Object::toString).containsExactly("192.0.2.1/32");
  }

  @Test
  void reportsEveryErrorWithFileAndLine() {
    assertThatThrownBy(
            () ->
                NginxStreamConfigLoader.load(
                    "bad.conf",
                    """
                stream {
                    upstream app {
                        server 10.0.0.1:80;
                        sticky cookie srv_id;
                    }
                    server {
                        listen 8080 udp;
                        proxy_pass nowhere;
                        proxy_timeout 10x;
                        access_log /tmp/a.log nosuchformat;
                    }
                    server {
                        proxy_pass app;
                    }
                    proxy_cache on;
                }
                """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::toString)
                    .contains(
                        "bad.conf:4: error: 'sticky' unknown or unsupported directive in upstream {}",
                        "bad.conf:7: error: 'listen' listen parameter 'udp' is not supported (udp and ssl are not)",
                        "bad.conf:8: error: 'proxy_pass' no upstream \"nowhere\" and no port in \"nowhere\"",
                        "bad.conf:9: error: 'proxy_timeout' invalid duration '10x': unknown unit 'x' (use ms, "
                            + "s, m, h, d, w, M or y)",
                        "bad.conf:10: error: 'access_log' unknown log format \"nosuchformat\"",
                        "bad.conf:12: error: 'server' server block has no 'listen'",
                        "bad.conf:15: error: 'proxy_cache' unknown or unsupported directive in stream {}"));
  }

  @Test
  void aFileWithoutAStreamBlockHasNothingToRun() {
    assertThatThrownBy(
            () -> NginxStreamConfigLoader.load("http-only.conf", "http { server { listen 80; } }"))
        .hasMessageContaining("http-only.conf:1: error: 'stream' no stream {} block");
  }
}
