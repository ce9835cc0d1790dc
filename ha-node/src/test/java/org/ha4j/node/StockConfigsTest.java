package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files as operators keep them: a keepalived.conf made from the distribution's sample and edited as
 * the reference deployment describes (its global_defs and LVS virtual servers still there), and a
 * Debian-style nginx.conf whose stream {} comes in through includes. Both pass {@code check} with
 * warnings and are taken by the node assembly {@code run} uses.
 */
class StockConfigsTest {

  /** The reference deployment's vrrp_script and vrrp_instance edits (LB1). */
  private static final String REFERENCE_INSTANCE =
      """
      vrrp_script check_nginx {
        script "/etc/nginx/check_nginx.sh"
      }

      vrrp_instance VI_1 {
          state MASTER
          interface ens3
          virtual_router_id 51
          priority 100
          advert_int 1
          authentication {
              auth_type PASS
              auth_pass 1111
          }
          virtual_ipaddress {
              192.168.122.100
          }
          track_script {
            check_nginx
          }
      }
      """;

  /** An LVS virtual server of the samples' shape: scheduler, real servers, a URL checker. */
  private static String virtualServer(String address, int port, String checker) {
    return """
        virtual_server %1$s %2$d {
            delay_loop 6
            lb_algo rr
            lb_kind NAT
            persistence_timeout 50
            protocol TCP

            sorry_server 192.168.200.200 %2$d

            real_server 192.168.200.2 %2$d {
                weight 1
                %3$s {
                    url {
                      path /testurl/test.jsp
                      digest 640205b7b0fc66c1ea91c463fac6334d
                    }
                    connect_timeout 3
                    retry 3
                    delay_before_retry 3
                }
            }
        }
        """
        .formatted(address, port, checker);
  }

  /** Debian's keepalived.conf.sample, its instance replaced by the reference deployment's. */
  static String debianSample() {
    return """
        ! Configuration File for keepalived

        global_defs {
           notification_email {
             ops@example.com
           }
           notification_email_from keepalived@example.com
           smtp_server 192.168.200.1
           smtp_connect_timeout 30
           router_id LVS_DEVEL
        }

        """
        + REFERENCE_INSTANCE
        + "\n"
        + virtualServer("10.10.10.2", 1358, "HTTP_GET");
  }

  /**
   * The keepalived.conf a dnf install leaves in /etc/keepalived, edited as the reference deployment
   * says: vrrp_strict commented out, the instance replaced, the rest kept.
   */
  static String packagedSample() {
    return """
        ! Configuration File for keepalived

        global_defs {
           notification_email {
             ops@example.com
             failover@example.com
           }
           notification_email_from keepalived@example.com
           smtp_server 192.168.200.1
           smtp_connect_timeout 30
           router_id LVS_DEVEL
           vrrp_skip_check_adv_addr
           #vrrp_strict
           vrrp_garp_interval 0
           vrrp_gna_interval 0
        }

        """
        + REFERENCE_INSTANCE
        + "\n"
        + virtualServer("192.168.200.100", 443, "SSL_GET")
        + "\n"
        + virtualServer("10.10.10.2", 1358, "HTTP_GET")
        + "\n"
        + virtualServer("10.10.10.3", 1358, "HTTP_GET")
        + """

        virtual_server_group web {
            10.10.10.2 1358
            10.10.10.3 1358
        }
        """;
  }

  @Test
  void theDebianSampleEditedAsTheReferenceSaysPassesCheckWithAWarningPerVirtualServer(
      @TempDir Path dir) throws Exception {
    Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), debianSample());
    assertStockKeepalivedRuns(keepalived, 1, dir);
  }

  @Test
  void thePackagedSampleEditedAsTheReferenceSaysPassesCheckWithAWarningPerVirtualServer(
      @TempDir Path dir) throws Exception {
    Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), packagedSample());
    assertStockKeepalivedRuns(keepalived, 4, dir);
  }

  private static void assertStockKeepalivedRuns(Path keepalived, int lvsBlocks, Path dir)
      throws Exception {
    KeepalivedConfig config = KeepalivedConfigLoader.load(keepalived);
    assertThat(config.instances())
        .singleElement()
        .satisfies(i -> assertThat(i.name()).isEqualTo("VI_1"));
    assertThat(config.routerId()).contains("LVS_DEVEL");
    List<String> lvsWarnings =
        config.warnings().stream()
            .filter(w -> w.keyword().startsWith("virtual_server"))
            .map(Object::toString)
            .toList();
    assertThat(lvsWarnings)
        .hasSize(lvsBlocks)
        .allSatisfy(
            w ->
                assertThat(w)
                    .startsWith(keepalived + ":")
                    .contains(": warning: ")
                    .contains("ha4j does not program IPVS"));

    Path nginx = debianNginx(dir.resolve("nginx"));
    CheckReport report = HaNode.check(List.of(keepalived), List.of(nginx));
    assertThat(report.passed()).as("%s", report.lines()).isTrue();
    assertThat(report.lines())
        .contains(keepalived + ": ok (keepalived)")
        .anyMatch(l -> l.contains("warning: 'virtual_server'") && l.contains("IPVS"));

    List<String> events = new ArrayList<>();
    HaNode node =
        HaNode.fromFiles(
            keepalived, nginx, NodeOptions.defaults(events::add).replacing(Set.of("check_nginx")));
    assertThat(node.describe())
        .anySatisfy(l -> assertThat(l).contains("VI_1").contains("192.168.122.100/32"))
        .anySatisfy(l -> assertThat(l).contains("listen *:8080 -> tomcat"));
  }

  /**
   * nginx.conf as Debian ships it, with the stream module loaded from modules-enabled/ and the
   * reference deployment's stream {} kept in stream.d/, all under {@code prefix}.
   */
  static Path debianNginx(Path prefix) throws Exception {
    Files.createDirectories(prefix.resolve("modules-enabled"));
    Files.createDirectories(prefix.resolve("stream.d"));
    Files.createDirectories(prefix.resolve("conf.d"));
    Files.createDirectories(prefix.resolve("logs"));
    Files.writeString(
        prefix.resolve("modules-enabled/50-mod-stream.conf"),
        "load_module modules/ngx_stream_module.so;\n");
    Files.writeString(
        prefix.resolve("stream.d/tomcat.conf"),
        """
        log_format main '$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent';
        access_log %s main;

        upstream tomcat {
            server 192.168.122.12:8080;
            server 192.168.122.13:8080;
        }
        server {
            listen 8080;
            proxy_pass tomcat;
        }
        """
            .formatted(prefix.resolve("logs/tomcat-access.log")));
    return Files.writeString(
        prefix.resolve("nginx.conf"),
        """
        user www-data;
        worker_processes auto;
        pid /run/nginx.pid;
        include %s/modules-enabled/*.conf;

        events {
            worker_connections 768;
        }

        http {
            sendfile on;
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            include /etc/nginx/conf.d/*.conf;
            include /etc/nginx/sites-enabled/*;
        }

        stream {
            include stream.d/*.conf;
        }
        """
            .formatted(prefix));
  }

  @Test
  void aKeepalivedConfOfNothingButIncludesIsCheckedAsOne(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(dir.resolve("conf.d/vi_1.conf"), debianSample());
    Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), "include conf.d/*.conf\n");

    assertThat(HaNode.isKeepalivedConf(keepalived)).isTrue();
    assertThat(HaNode.isKeepalivedConf(debianNginx(dir.resolve("nginx")))).isFalse();
  }
}
