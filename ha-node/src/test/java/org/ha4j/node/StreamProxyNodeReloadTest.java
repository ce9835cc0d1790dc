package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.testing.NamedEchoServer;
import org.ha4j.core.testing.ProcessResources;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ha4j proxy --nginx FILE}'s reload on loopback: the running proxy adopts the new file in
 * place, and a refused file changes nothing.
 */
class StreamProxyNodeReloadTest {

  @TempDir Path dir;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeAtEnd = new CopyOnWriteArrayList<>();
  private NamedEchoServer a;
  private NamedEchoServer b;
  private int port;
  private int extraPort;
  private Path file;

  @BeforeEach
  void backends() throws Exception {
    a = new NamedEchoServer("a");
    b = new NamedEchoServer("b");
    port = freePort();
    extraPort = freePort();
    file = dir.resolve("nginx.conf");
  }

  @AfterEach
  void close() throws Exception {
    // sessions first, so the proxy's stop has nothing to drain
    for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
      closeAtEnd.get(i).close();
    }
    a.close();
    b.close();
  }

  private String config(NamedEchoServer backend, boolean extraListener) {
    String extra =
        extraListener ? "server { listen 127.0.0.1:%d; proxy_pass app; }".formatted(extraPort) : "";
    return """
        stream {
          upstream app { server 127.0.0.1:%d; }
          server { listen 127.0.0.1:%d; proxy_pass app; }
          %s
        }
        """
        .formatted(backend.port(), port, extra);
  }

  private StreamProxyNode started(String text) throws Exception {
    Files.writeString(file, text);
    StreamProxyNode node =
        HaNode.streamProxy(
            file, new NodeOptions(Set.of(), RelayKind.COPY, Duration.ofSeconds(5), events::add));
    node.start();
    closeAtEnd.add(node::stop);
    await().atMost(Duration.ofSeconds(5)).until(() -> node.runningProxy().get().current().isUp());
    return node;
  }

  @Test
  void aRefusedFileChangesNothingAndTheRunningConfigKeepsServing() throws Exception {
    StreamProxyNode node = started(config(a, false));
    Proxy running = node.runningProxy().orElseThrow();
    NamedEchoServer.Client open = session(port);
    assertThat(open.exchange("before")).isEqualTo("a:before");

    Files.writeString(
        file,
        config(a, false)
            .replace("proxy_pass app;", "proxy_pass nowhere;\n    proxy_timeout forever;"));
    assertThatThrownBy(node::reload)
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .anySatisfy(
                        p -> assertThat(p).contains("nginx.conf:").contains("proxy_timeout"))
                    .allSatisfy(p -> assertThat(p).contains(file.toString() + ":")));

    assertThat(node.runningProxy()).containsSame(running);
    assertThat(open.exchange("after")).isEqualTo("a:after");
    assertThat(session(port).exchange("new")).isEqualTo("a:new");
    Files.writeString(file, config(a, false));
    assertThat(node.reload()).as("the running file again").isEqualTo("no change");
  }

  @Test
  void theSameFileAgainIsNoChangeAndTouchesNothing() throws Exception {
    StreamProxyNode node = started(config(a, false));
    Proxy running = node.runningProxy().orElseThrow();
    Files.writeString(file, "# moved down\n\n" + config(a, false));
    assertThat(node.reload()).isEqualTo("no change");
    assertThat(node.runningProxy()).containsSame(running);
  }

  @Test
  void listenersAndServersChangeInPlaceWhileEstablishedSessionsRunOn() throws Exception {
    StreamProxyNode node = started(config(a, false));
    Proxy running = node.runningProxy().orElseThrow();
    NamedEchoServer.Client open = session(port);
    assertThat(open.exchange("1")).isEqualTo("a:1");
    ProcessResources before = ProcessResources.self();

    Files.writeString(file, config(b, true));
    assertThat(node.reload())
        .isEqualTo("listener 127.0.0.1:" + extraPort + " added; upstream app changed");
    assertThat(node.runningProxy()).containsSame(running);
    assertThat(open.exchange("2")).as("the established session is not cut").isEqualTo("a:2");
    assertThat(session(port).exchange("3")).isEqualTo("b:3");
    assertThat(session(extraPort).exchange("4")).isEqualTo("b:4");

    Files.writeString(file, config(b, false));
    assertThat(node.reconfigure(file)).isEqualTo("listener 127.0.0.1:" + extraPort + " removed");
    await().atMost(Duration.ofSeconds(5)).until(() -> !connects(extraPort));
    assertThat(open.exchange("5")).isEqualTo("a:5");
    open.close();
    ProcessResources.awaitSettled(
        ProcessHandle.current().pid(),
        now -> now.openFds() <= before.openFds() + 4,
        Duration.ofSeconds(10),
        "fds back to " + before);
  }

  private NamedEchoServer.Client session(int port) throws IOException {
    NamedEchoServer.Client client = new NamedEchoServer.Client(port);
    closeAtEnd.add(client);
    return client;
  }

  private static boolean connects(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
