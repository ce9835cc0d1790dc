package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's reload without VRRP sockets: files loaded and validated as {@link HaNode#fromFiles}
 * loads them, and what a refused pair of files leaves (nothing changed). Running nodes reload in
 * {@code ReloadIT}, in network namespaces.
 */
class HaNodeReloadTest {

  private static final String KEEPALIVED =
      "vrrp_instance VI_1 {\n"
          + "  state MASTER\n"
          + "  interface eth0\n"
          + "  virtual_router_id 51\n"
          + "  priority 100\n"
          + "  advert_int 1\n"
          + "  virtual_ipaddress {\n    10.200.0.100\n  }\n"
          + "}\n";
  private static final String NGINX =
      "stream {\n"
          + "  upstream app { server 10.200.0.12:8080; }\n"
          + "  server { listen 10.200.0.100:8080; proxy_pass app; }\n"
          + "}\n";

  @TempDir Path dir;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void refusedFilesChangeNothingAndEveryProblemOfBothIsNamedWithFileAndLine() throws Exception {
    Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), KEEPALIVED);
    Path nginx = Files.writeString(dir.resolve("nginx.conf"), NGINX);
    HaNode node = HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add));
    List<String> described = node.describe();

    Files.writeString(keepalived, KEEPALIVED.replace("priority 100", "priority 300"));
    Files.writeString(nginx, NGINX.replace("proxy_pass app;", "proxy_pass app; proxy_timeout x;"));
    assertThatThrownBy(node::reload)
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems().toString())
                    .contains(keepalived + ":5")
                    .contains("priority")
                    .contains(nginx + ":3")
                    .contains("proxy_timeout"));
    assertThat(node.describe()).isEqualTo(described);
  }

  @Test
  void beforeTheStartTheNewFilesReplaceTheLoadedOnesAndTheSummarySaysWhatChanged()
      throws Exception {
    Path keepalived = Files.writeString(dir.resolve("keepalived.conf"), KEEPALIVED);
    Path nginx = Files.writeString(dir.resolve("nginx.conf"), NGINX);
    HaNode node = HaNode.fromFiles(keepalived, nginx, NodeOptions.defaults(events::add));
    Path other =
        Files.writeString(
            dir.resolve("other.conf"),
            KEEPALIVED.replace("priority 100", "priority 110").replace("eth0", "eth1"));

    assertThat(node.reconfigure(other, nginx)).isEqualTo("VI_1 restarted (interface eth0->eth1)");
    assertThat(node.describe())
        .anySatisfy(l -> assertThat(l).contains("eth1").contains("priority 110"));
    assertThat(node.reload()).as("reload reads the files given last").isEqualTo("no change");
    assertThat(node.instances()).isEmpty();
    assertThat(events).isEmpty();
  }
}
