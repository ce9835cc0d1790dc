package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.config.BlockConfigParser.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockConfigParserTest {

  /** The reference deployment's LB1 keepalived.conf, Chinese comments and all. */
  private static final String SEED_KEEPALIVED =
      """
            #注释以下这条，否则无法ping通虚拟ip地址
            #vrrp_strict

            #增加vrrp_script，定义vrrp的脚本check_nginx
            vrrp_script check_nginx {
              script "/etc/nginx/check_nginx.sh"
            }

            #修改vrrp_instance中注释的部分
            vrrp_instance VI_1 {
                state MASTER    #LB1为MASTER LB2为BACKUP
                interface ens3  #网卡名
                virtual_router_id 51
                priority 100    #优先级，MASTER为100, BACKUP为90
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass 1111
                }
                virtual_ipaddress {
                    192.168.122.100  #配置虚拟IP
                }
                track_script {   #跟踪脚本，会调用此脚本
                  check_nginx
                }
            }
            """;

  /** The reference deployment's nginx stream block. */
  private static final String SEED_NGINX =
      """
            events {
                worker_connections 1024;
            }
            #stream是配置代理
            stream {
              #配置日志
              log_format main '$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent';
              access_log /var/log/nginx/tomcat-access.log main;
              upstream tomcat {
            	server 192.168.122.12:8080;  #APP01上部署的tomcat
            	server 192.168.122.13:8080;  #APP02上部署的tomcat
              }
              server {
              	listen 8080;
            	proxy_pass tomcat;
              }
            }
            """;

  @Test
  void aKeepalivedIncludeLineIsOnePatternUpToItsComment() throws Exception {
    List<ConfigStatement> top =
        BlockConfigParser.parse(
            "k.conf",
            "vrrp_instance VI_1 {\n  includeb  conf.d/{a,b} x.conf   # both\n}\ninclude\n",
            Dialect.KEEPALIVED);

    ConfigStatement include = top.get(0).block().get(0);
    assertThat(include.keyword()).isEqualTo("includeb");
    assertThat(include.args()).containsExactly("conf.d/{a,b} x.conf");
    assertThat(include.hasBlock()).isFalse();
    assertThat(top.get(1).args()).isEmpty();
    // nginx's include is an ordinary directive
    assertThat(
            BlockConfigParser.parse("n.conf", "include a.conf; # c\n", Dialect.NGINX).get(0).args())
        .containsExactly("a.conf");
  }

  @Test
  void readsTheSeedKeepalivedConf() throws Exception {
    List<ConfigStatement> top =
        BlockConfigParser.parse("keepalived.conf", SEED_KEEPALIVED, Dialect.KEEPALIVED);

    assertThat(top)
        .extracting(ConfigStatement::keyword)
        .containsExactly("vrrp_script", "vrrp_instance");
    ConfigStatement script = top.get(0);
    assertThat(script.args()).containsExactly("check_nginx");
    assertThat(script.block().get(0).args()).containsExactly("/etc/nginx/check_nginx.sh");

    ConfigStatement instance = top.get(1);
    assertThat(instance.location()).hasToString("keepalived.conf:10");
    assertThat(instance.block())
        .extracting(ConfigStatement::keyword)
        .containsExactly(
            "state",
            "interface",
            "virtual_router_id",
            "priority",
            "advert_int",
            "authentication",
            "virtual_ipaddress",
            "track_script");
    assertThat(instance.children("state").get(0).args()).containsExactly("MASTER");
    assertThat(instance.children("priority").get(0).location().line()).isEqualTo(14);
    ConfigStatement vips = instance.children("virtual_ipaddress").get(0);
    assertThat(vips.block())
        .extracting(ConfigStatement::keyword)
        .containsExactly("192.168.122.100");
    assertThat(instance.children("authentication").get(0).children("auth_pass").get(0).args())
        .containsExactly("1111");
  }

  @Test
  void keepalivedAllowsOneLineBlocksAndBangComments() throws Exception {
    List<ConfigStatement> top =
        BlockConfigParser.parse(
            "k.conf",
            "! Configuration File for keepalived\nvirtual_ipaddress { 10.0.0.1/24 dev eth0 }\n",
            Dialect.KEEPALIVED);
    assertThat(top).hasSize(1);
    ConfigStatement vip = top.get(0).block().get(0);
    assertThat(vip.keyword()).isEqualTo("10.0.0.1/24");
    assertThat(vip.args()).containsExactly("dev", "eth0");
  }

  @Test
  void readsTheSeedNginxStreamBlock() throws Exception {
    List<ConfigStatement> top = BlockConfigParser.parse("nginx.conf", SEED_NGINX, Dialect.NGINX);

    assertThat(top).extracting(ConfigStatement::keyword).containsExactly("events", "stream");
    ConfigStatement stream = top.get(1);
    ConfigStatement logFormat = stream.children("log_format").get(0);
    assertThat(logFormat.args())
        .containsExactly(
            "main", "$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent");
    ConfigStatement upstream = stream.children("upstream").get(0);
    assertThat(upstream.children("server"))
        .extracting(s -> s.args().get(0))
        .containsExactly("192.168.122.12:8080", "192.168.122.13:8080");
    assertThat(stream.children("server").get(0).children("proxy_pass").get(0).args())
        .containsExactly("tomcat");
  }

  @Test
  void nginxStatementsMaySpanLinesAndQuotesEscape() throws Exception {
    List<ConfigStatement> top =
        BlockConfigParser.parse(
            "n.conf", "log_format x\n  '$a \"q\"'\n  \"b\\\"c\";\n", Dialect.NGINX);
    assertThat(top.get(0).args()).containsExactly("x", "$a \"q\"", "b\"c");
    assertThat(top.get(0).location().line()).isEqualTo(1);
  }

  @Test
  void syntaxErrorsNameFileAndLine() {
    assertThatThrownBy(
            () -> BlockConfigParser.parse("n.conf", "stream {\n listen 80\n}\n", Dialect.NGINX))
        .isInstanceOf(ConfigException.class)
        .hasMessage("n.conf:3: error: 'listen' is missing its terminating ';'");
    assertThatThrownBy(() -> BlockConfigParser.parse("k.conf", "a {\n b\n", Dialect.KEEPALIVED))
        .hasMessage("k.conf:1: error: block opened here is never closed with '}'");
    assertThatThrownBy(() -> BlockConfigParser.parse("k.conf", "a\n}\n", Dialect.KEEPALIVED))
        .hasMessage("k.conf:2: error: unexpected '}' with no block open");
    assertThatThrownBy(
            () -> BlockConfigParser.parse("k.conf", "script \"/bin/x\n", Dialect.KEEPALIVED))
        .hasMessageContaining("k.conf:1: error: unterminated quoted string");
    assertThatThrownBy(() -> BlockConfigParser.parse("n.conf", "{ a; }", Dialect.NGINX))
        .hasMessageContaining("n.conf:1: error: '{' without a keyword");
  }

  @Test
  void readsFilesAsUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keepalived.conf");
    Files.writeString(file, "\uFEFF" + SEED_KEEPALIVED, StandardCharsets.UTF_8);
    List<ConfigStatement> top = BlockConfigParser.parse(file, Dialect.KEEPALIVED);
    assertThat(top).hasSize(2);
    assertThat(top.get(0).location().file()).isEqualTo(file.toString());
  }
}
