package org.ha4j.proxy.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input here is refused when the file is loaded (what {@code ./ha4j check} runs), with the
 * line and keyword of the offending statement, so {@code check} never passes what {@code run}
 * refuses. Each row is also handed to the real {@code nginx -t}: rows marked {@link Nginx#REJECTS}
 * must fail there too, at the same line where nginx names one; rows marked {@link Nginx#ACCEPTS}
 * are ha4j's own limits, and nginx must accept them, so the table says exactly where ha4j is
 * stricter than nginx.
 *
 * <p>In a row's text, {@code #<} marks the line ha4j reports and {@code #n} the line nginx reports
 * when it names another one.
 */
class NginxConfigRejectionTest {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
  private static final String UPSTREAM = "upstream u { server 127.0.0.1:9; }\n";

  /** What nginx -t (Debian's 1.22) makes of the row. */
  enum Nginx {
    /** refused, at the marked line */
    REJECTS,
    /** refused, with a message that names no line (unknown variables, files it cannot open) */
    REJECTS_WITHOUT_LINE,
    /** accepted: ha4j cannot run it and says so */
    ACCEPTS
  }

  record Row(String name, String stream, String keyword, String message, Nginx nginx) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "server port out of range",
            """
                        upstream u { server 192.168.122.12:99999; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "port must be 1-65535, got 99999",
            Nginx.REJECTS),
        new Row(
            "weight not a number",
            """
                        upstream u { server 192.168.122.12:8080 weight=abc; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "weight needs a whole number >= 1, got 'abc'",
            Nginx.REJECTS),
        new Row(
            "weight 0",
            """
                        upstream u { server 192.168.122.12:8080 weight=0; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "weight must be >= 1, got 0",
            Nginx.REJECTS),
        new Row(
            "server without a port",
            """
                        upstream u { server 192.168.122.12; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "no port in '192.168.122.12'",
            Nginx.REJECTS),
        new Row(
            "IPv6 server without brackets",
            """
                        upstream u { server ::1:8080; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "invalid port in '::1:8080'",
            Nginx.REJECTS),
        new Row(
            "max_fails negative",
            """
                        upstream u { server 127.0.0.1:9 max_fails=-1; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "max_fails needs a whole number >= 0, got '-1'",
            Nginx.REJECTS),
        new Row(
            "fail_timeout not a time",
            """
                        upstream u { server 127.0.0.1:9 fail_timeout=abc; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "invalid duration 'abc'",
            Nginx.REJECTS),
        new Row(
            "max_conns not a number",
            """
                        upstream u { server 127.0.0.1:9 max_conns=abc; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "max_conns needs a whole number >= 0, got 'abc'",
            Nginx.REJECTS),
        new Row(
            "upstream server host does not resolve",
            """
                        upstream u { server nonexistent.invalid:80; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "server",
            "host not found in \"nonexistent.invalid:80\"",
            Nginx.REJECTS),
        new Row(
            "hash without a key",
            """
                        upstream u {
                            hash; #<
                            server 127.0.0.1:9;
                        }
                        server { listen 8080; proxy_pass u; }
                        """,
            "hash",
            "hash takes 1-2 argument(s), got 0",
            Nginx.REJECTS),
        new Row(
            "random three",
            """
                        upstream u {
                            random three; #<
                            server 127.0.0.1:9;
                        }
                        server { listen 8080; proxy_pass u; }
                        """,
            "random",
            "invalid parameter \"three\" of random",
            Nginx.REJECTS),
        // nginx 1.22 predates least_time (1.31): it refuses the directive itself, on the same line
        new Row(
            "least_time bogus",
            """
                        upstream u {
                            least_time bogus; #<
                            server 127.0.0.1:9;
                        }
                        server { listen 8080; proxy_pass u; }
                        """,
            "least_time",
            "least_time takes connect, first_byte or last_byte, got 'bogus'",
            Nginx.REJECTS),
        new Row(
            "unknown variable in a hash key",
            """
                        upstream u {
                            hash $bogus; #<
                            server 127.0.0.1:9;
                        }
                        server { listen 8080; proxy_pass u; }
                        """,
            "hash",
            "unsupported variable $bogus in hash key",
            Nginx.REJECTS_WITHOUT_LINE),
        new Row(
            "backup under hash",
            """
                        upstream u { #<
                            hash $remote_addr;
                            server 127.0.0.1:9;
                            server 127.0.0.1:10 backup; #n
                        }
                        server { listen 8080; proxy_pass u; }
                        """,
            "upstream",
            "does not support parameter \"backup\"",
            Nginx.REJECTS),
        new Row(
            "duplicate upstream",
            """
                        upstream u { server 127.0.0.1:9; }
                        upstream u { server 127.0.0.1:10; } #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "upstream",
            "duplicate upstream \"u\"",
            Nginx.REJECTS),
        new Row(
            "empty upstream",
            """
                        upstream u { #<
                        } #n
                        server { listen 8080; proxy_pass u; }
                        """,
            "upstream",
            "no servers are inside upstream",
            Nginx.REJECTS),
        new Row(
            "proxy_pass to an upstream not defined",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass nothere; #<
                        }
                        """,
            "proxy_pass",
            "no upstream \"nothere\" and no port",
            Nginx.REJECTS),
        new Row(
            "proxy_pass port out of range",
            """
                        server {
                            listen 8080;
                            proxy_pass 10.0.0.1:99999; #<
                        }
                        """,
            "proxy_pass",
            "port must be 1-65535, got 99999",
            Nginx.REJECTS),
        new Row(
            "unknown variable in log_format",
            UPSTREAM
                + """
                        log_format m '$remote_addr $bogus'; #<
                        access_log %TMP%/a.log m;
                        server { listen 8080; proxy_pass u; }
                        """,
            "log_format",
            "unknown variable \"$bogus\"",
            Nginx.REJECTS_WITHOUT_LINE),
        new Row(
            "duplicate log_format",
            UPSTREAM
                + """
                        log_format m '$remote_addr';
                        log_format m '$status'; #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "log_format",
            "duplicate log_format name \"m\"",
            Nginx.REJECTS),
        new Row(
            "access log in a missing directory",
            UPSTREAM
                + """
                        log_format m '$remote_addr';
                        access_log /nonexistent-ha4j-dir/a.log m; #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "access_log",
            "no directory /nonexistent-ha4j-dir",
            Nginx.REJECTS_WITHOUT_LINE),
        new Row(
            "access log without a format",
            UPSTREAM
                + """
                        access_log %TMP%/a.log; #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "access_log",
            "log format is not specified",
            Nginx.REJECTS),
        new Row(
            "access log with an unknown format",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            access_log %TMP%/a.log nosuch; #<
                        }
                        """,
            "access_log",
            "unknown log format \"nosuch\"",
            Nginx.REJECTS),
        new Row(
            "listen host does not resolve",
            UPSTREAM
                + """
                        server {
                            listen nonexistent.invalid:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "host not found in \"nonexistent.invalid:8080\"",
            Nginx.REJECTS),
        new Row(
            "listen port out of range",
            UPSTREAM
                + """
                        server {
                            listen 99999; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid port in \"99999\"",
            Nginx.REJECTS),
        new Row(
            "IPv6 listen without brackets",
            UPSTREAM
                + """
                        server {
                            listen ::1:28090; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "an IPv6 address is written in brackets",
            Nginx.REJECTS),
        new Row(
            "invalid IPv6 listen address",
            UPSTREAM
                + """
                        server {
                            listen [fd00::zz]:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid IPv6 address in \"[fd00::zz]:8080\"",
            Nginx.REJECTS),
        new Row(
            "IPv4 address in brackets",
            UPSTREAM
                + """
                        server {
                            listen [10.0.0.1]:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid IPv6 address in \"[10.0.0.1]:8080\"",
            Nginx.REJECTS),
        new Row(
            "IPv6 listen port out of range",
            UPSTREAM
                + """
                        server {
                            listen [::1]:99999; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid port in \"[::1]:99999\"",
            Nginx.REJECTS),
        new Row(
            "negative backlog",
            UPSTREAM
                + """
                        server {
                            listen 8080 backlog=-5; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid backlog \"backlog=-5\"",
            Nginx.REJECTS),
        new Row(
            "backlog 0",
            UPSTREAM
                + """
                        server {
                            listen 8080 backlog=0; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "invalid backlog \"backlog=0\"",
            Nginx.REJECTS),
        new Row(
            "two server blocks on one listen address",
            UPSTREAM
                + """
                        server { listen 8080; proxy_pass u; }
                        server {
                            listen 0.0.0.0:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "duplicate \"0.0.0.0:8080\" address and port pair",
            Nginx.REJECTS),
        new Row(
            "two server blocks on one IPv6 listen address",
            UPSTREAM
                + """
                        server { listen [::1]:8080; proxy_pass u; }
                        server {
                            listen [0::1]:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "duplicate \"[::1]:8080\" address and port pair",
            Nginx.REJECTS),
        new Row(
            "limit_conn 0",
            UPSTREAM
                + """
                        limit_conn_zone $binary_remote_addr zone=addr:10m;
                        server {
                            listen 8080;
                            proxy_pass u;
                            limit_conn addr 0; #<
                        }
                        """,
            "limit_conn",
            "invalid number of connections \"0\"",
            Nginx.REJECTS),
        new Row(
            "limit_conn on a zone not defined",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            limit_conn nozone 1; #<
                        }
                        """,
            "limit_conn",
            "no limit_conn_zone named nozone",
            Nginx.REJECTS_WITHOUT_LINE),
        new Row(
            "proxy_next_upstream_tries negative",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_next_upstream_tries -1; #<
                        }
                        """,
            "proxy_next_upstream_tries",
            "invalid number \"-1\"",
            Nginx.REJECTS),
        new Row(
            "proxy_next_upstream neither on nor off",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_next_upstream maybe; #<
                        }
                        """,
            "proxy_next_upstream",
            "expects on or off",
            Nginx.REJECTS),
        new Row(
            "proxy_timeout not a time",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_timeout 10x; #<
                        }
                        """,
            "proxy_timeout",
            "invalid duration '10x'",
            Nginx.REJECTS),
        new Row(
            "IPv6 CIDR prefix out of range",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            allow fd00:200::/129; #<
                        }
                        """,
            "allow",
            "invalid parameter \"fd00:200::/129\"",
            Nginx.REJECTS),
        new Row(
            "IPv4 CIDR prefix out of range",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            deny 10.0.0.0/33; #<
                        }
                        """,
            "deny",
            "invalid parameter \"10.0.0.0/33\"",
            Nginx.REJECTS),
        new Row(
            "duplicate directive",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_timeout 1s;
                            proxy_timeout 2s; #<
                        }
                        """,
            "proxy_timeout",
            "directive is duplicate",
            Nginx.REJECTS),
        new Row(
            "duplicate proxy_pass",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_pass u; #<
                        }
                        """,
            "proxy_pass",
            "directive is duplicate",
            Nginx.REJECTS),
        new Row(
            "unknown directive",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            bogus_directive on; #<
                        }
                        """,
            "bogus_directive",
            "unknown or unsupported directive in server {}",
            Nginx.REJECTS),
        new Row(
            "listen in the stream context",
            UPSTREAM
                + """
                        listen 8080; #<
                        server { listen 8080; proxy_pass u; }
                        """,
            "listen",
            "not allowed in stream {} (it belongs in server {})",
            Nginx.REJECTS),
        new Row(
            "upstream inside a server",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            upstream x { server 127.0.0.1:9; } #<
                        }
                        """,
            "upstream",
            "not allowed in server {}",
            Nginx.REJECTS),
        new Row(
            "limit_conn_zone inside a server",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            limit_conn_zone $binary_remote_addr zone=a:1m; #<
                        }
                        """,
            "limit_conn_zone",
            "not allowed in server {}",
            Nginx.REJECTS),
        new Row(
            "server without listen",
            UPSTREAM
                + """
                        server { #<
                            proxy_pass u;
                        }
                        """,
            "server",
            "server block has no 'listen'",
            Nginx.REJECTS),
        new Row(
            "server without proxy_pass",
            UPSTREAM
                + """
                        server { #<
                            listen 8080;
                        }
                        """,
            "server",
            "server block has no 'proxy_pass'",
            Nginx.REJECTS),
        new Row(
            "missing semicolon",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u } #<
                        """,
            "",
            "missing its terminating ';'",
            Nginx.REJECTS),
        // ha4j's own limits: nginx accepts these, run could not carry them out
        new Row(
            "proxy_connect_timeout 0",
            UPSTREAM
                + """
                        server {
                            listen 8080;
                            proxy_pass u;
                            proxy_connect_timeout 0; #<
                        }
                        """,
            "proxy_connect_timeout",
            "must be more than 0",
            Nginx.ACCEPTS),
        new Row(
            "wildcard and a specific address on one port",
            UPSTREAM
                + """
                        server { listen 8080; proxy_pass u; }
                        server {
                            listen 127.0.0.1:8080; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "overlaps \"0.0.0.0:8080\"",
            Nginx.ACCEPTS),
        new Row(
            "ipv6only=off",
            UPSTREAM
                + """
                        server {
                            listen [::]:8080 ipv6only=off; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "'ipv6only=off' is not supported",
            Nginx.ACCEPTS),
        new Row(
            "udp listener",
            UPSTREAM
                + """
                        server {
                            listen 8080 udp; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "listen parameter 'udp' is not supported",
            Nginx.ACCEPTS),
        new Row(
            "two access logs",
            UPSTREAM
                + """
                        log_format m '$remote_addr';
                        server {
                            listen 8080;
                            proxy_pass u;
                            access_log %TMP%/a.log m;
                            access_log %TMP%/b.log m; #<
                        }
                        """,
            "access_log",
            "ha4j writes one access log per server",
            Nginx.ACCEPTS),
        new Row(
            "proxy_protocol neither on nor off",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            proxy_protocol maybe; #<
                        }
                        """,
            "proxy_protocol",
            "invalid value \"maybe\", it must be \"on\" or \"off\"",
            Nginx.REJECTS),
        new Row(
            "proxy_protocol without a value",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            proxy_protocol; #<
                        }
                        """,
            "proxy_protocol",
            "invalid number of arguments",
            Nginx.REJECTS),
        new Row(
            "proxy_protocol twice",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            proxy_protocol on;
                            proxy_protocol on; #<
                        }
                        """,
            "proxy_protocol",
            "directive is duplicate",
            Nginx.REJECTS),
        new Row(
            "proxy_protocol_timeout not a time",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            proxy_protocol_timeout abc; #<
                        }
                        """,
            "proxy_protocol_timeout",
            "invalid value",
            Nginx.REJECTS),
        new Row(
            "proxy_protocol_timeout 0",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            proxy_protocol_timeout 0; #<
                        }
                        """,
            "proxy_protocol_timeout",
            "must be more than 0",
            Nginx.ACCEPTS),
        new Row(
            "set_real_ip_from not an address",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            set_real_ip_from 10.0.0.300; #<
                        }
                        """,
            "set_real_ip_from",
            "invalid address \"10.0.0.300\"",
            Nginx.REJECTS),
        new Row(
            "set_real_ip_from prefix too long",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            set_real_ip_from 10.0.0.0/33; #<
                        }
                        """,
            "set_real_ip_from",
            "invalid address \"10.0.0.0/33\"",
            Nginx.REJECTS),
        new Row(
            "set_real_ip_from without an address",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol;
                            proxy_pass u;
                            set_real_ip_from; #<
                        }
                        """,
            "set_real_ip_from",
            "invalid number of arguments",
            Nginx.REJECTS),
        new Row(
            "listen proxy_protocol with a value",
            UPSTREAM
                + """
                        server {
                            listen 8080 proxy_protocol=on; #<
                            proxy_pass u;
                        }
                        """,
            "listen",
            "listen parameter 'proxy_protocol=on' is not supported",
            Nginx.REJECTS));
  }

  /** The whole file: what nginx needs to test a stream block, then the row's block from line 6. */
  private static String file(Row row, Path tmp) {
    return "load_module "
        + STREAM_MODULE
        + ";\n"
        + "error_log stderr;\n"
        + "pid "
        + tmp.resolve("nginx.pid")
        + ";\n"
        + "events {}\n"
        + "stream {\n"
        + row.stream().replace("%TMP%", tmp.toString())
        + "}\n";
  }

  private static int markedLine(String file, String marker) {
    List<String> lines = file.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    return -1;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void ha4jRefusesItWithLineAndKeyword(Row row, @TempDir Path tmp) {
    String text = file(row, tmp);
    int line = markedLine(text, "#<");
    assertThatThrownBy(() -> NginxStreamConfigLoader.load("t.conf", text))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .filteredOn(ConfigProblem::isError)
                    .anySatisfy(
                        p -> {
                          assertThat(p.location().line()).isEqualTo(line);
                          assertThat(p.keyword()).isEqualTo(row.keyword());
                          assertThat(p.message()).contains(row.message());
                        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void nginxAgreesWithTheRow(Row row, @TempDir Path tmp) throws Exception {
    boolean required = "1".equals(System.getenv("HA4J_REQUIRE_PRIVILEGED"));
    boolean available = Files.isExecutable(NGINX) && Files.exists(STREAM_MODULE);
    if (required) {
      assertThat(available)
          .as("nginx with the stream module at " + NGINX + ", " + STREAM_MODULE)
          .isTrue();
    }
    Assumptions.assumeTrue(available, "nginx with its stream module is not installed");
    String text = file(row, tmp);
    Path conf = tmp.resolve("nginx.conf");
    Files.writeString(conf, text, StandardCharsets.UTF_8);
    NginxResult result = nginxTest(tmp, conf);
    switch (row.nginx()) {
      case ACCEPTS -> assertThat(result.exitCode()).as(result.output()).isZero();
      case REJECTS_WITHOUT_LINE -> assertThat(result.exitCode()).as(result.output()).isNotZero();
      case REJECTS -> {
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        int nginxLine = markedLine(text, "#n");
        Matcher at =
            Pattern.compile(Pattern.quote(conf.toString()) + ":(\\d+)").matcher(result.output());
        assertThat(at.find()).as(result.output()).isTrue();
        assertThat(Integer.parseInt(at.group(1)))
            .as(result.output())
            .isEqualTo(nginxLine > 0 ? nginxLine : markedLine(text, "#<"));
      }
    }
  }

  private record NginxResult(int exitCode, String output) {}

  private static NginxResult nginxTest(Path prefix, Path conf)
      throws IOException, InterruptedException {
    Process nginx =
        new ProcessBuilder(NGINX.toString(), "-t", "-q", "-p", prefix + "/", "-c", conf.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(nginx.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(nginx.waitFor(30, TimeUnit.SECONDS)).as("nginx -t finished").isTrue();
      return new NginxResult(nginx.exitValue(), output);
    } finally {
      nginx.destroyForcibly();
    }
  }
}
