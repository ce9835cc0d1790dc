package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.config.ConfigException;
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
  private EchoServer a;
  private EchoServer b;
  private int port;
  private int extraPort;
  private Path file;

  @BeforeEach
  void backends() throws Exception {
    a = new EchoServer("a");
    b = new EchoServer("b");
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

  private String config(EchoServer backend, boolean extraListener) {
    return "stream {\n"
        + "  upstream app {\n    server 127.0.0.1:"
        + backend.port()
        + ";\n  }\n"
        + "  server {\n    listen 127.0.0.1:"
        + port
        + ";\n    proxy_pass app;\n  }\n"
        + (extraListener
            ? "  server {\n    listen 127.0.0.1:" + extraPort + ";\n    proxy_pass app;\n  }\n"
            : "")
        + "}\n";
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
    Session open = new Session(port);
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
    assertThat(new Session(port).exchange("new")).isEqualTo("a:new");
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

  @org.junit.jupiter.api.Disabled("TEMPORARY: until Proxy#reconfigure is merged")
  @Test
  void listenersAndServersChangeInPlaceWhileEstablishedSessionsRunOn() throws Exception {
    StreamProxyNode node = started(config(a, false));
    Proxy running = node.runningProxy().orElseThrow();
    Session open = new Session(port);
    assertThat(open.exchange("1")).isEqualTo("a:1");
    ProcessResources before = ProcessResources.self();

    Files.writeString(file, config(b, true));
    assertThat(node.reload())
        .isEqualTo("listener 127.0.0.1:" + extraPort + " added; upstream app changed");
    assertThat(node.runningProxy()).containsSame(running);
    assertThat(open.exchange("2")).as("the established session is not cut").isEqualTo("a:2");
    assertThat(new Session(port).exchange("3")).isEqualTo("b:3");
    assertThat(new Session(extraPort).exchange("4")).isEqualTo("b:4");

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

  private final class Session implements AutoCloseable {
    private final Socket socket;

    Session(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      closeAtEnd.add(this);
    }

    String exchange(String line) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("session ended after '" + answer + "'");
        }
        answer.append((char) c);
      }
      return answer.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Answers each line with its name and the line, so a test sees which backend served it. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;

    EchoServer(String name) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> echo(name, s), "echo-" + name);
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "echo-accept-" + name);
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private static void echo(String name, Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          if (c == '\n') {
            out.write((name + ":" + line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            line.setLength(0);
          } else {
            line.append((char) c);
          }
        }
      } catch (IOException e) {
        // the proxy closed the session
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
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
