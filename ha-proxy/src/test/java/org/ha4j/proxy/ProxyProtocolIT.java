package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol against real peers, on loopback: ha4j in front of an nginx that requires the
 * header ({@code listen ... proxy_protocol}, answering with {@code $proxy_protocol_addr
 * $proxy_protocol_port}), v1 and v2, with a control listener that sends none and is refused; and
 * ha4j behind a real HAProxy ({@code send-proxy}, {@code send-proxy-v2}) and a real nginx ({@code
 * proxy_protocol on}), logging {@code $proxy_protocol_addr}. Clients bind their own 127.0.0.x
 * source, so the address that arrives is one no peer could make up. The processes are started in
 * the foreground and stopped by their PID.
 */
@Timeout(180)
class ProxyProtocolIT {

  private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy(); // SIGTERM to this PID only
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private record Reply(int clientPort, String text) {}

  /**
   * Connects from {@code source} to 127.0.0.1:{@code port}, sends {@code request}, half-closes and
   * reads to EOF.
   */
  private static Reply exchange(String source, int port, String request) throws IOException {
    return exchange(source, port, request, -1);
  }

  /**
   * As above; with {@code replyBytes} >= 0, reads that many bytes without half-closing first
   * (nginx's stream proxy ends the whole session on a client's FIN: no {@code proxy_half_close}
   * before 1.21.4).
   */
  private static Reply exchange(String source, int port, String request, int replyBytes)
      throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(source, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      byte[] reply;
      if (replyBytes < 0) {
        s.shutdownOutput();
        reply = s.getInputStream().readAllBytes();
      } else {
        reply = s.getInputStream().readNBytes(replyBytes);
      }
      return new Reply(s.getLocalPort(), new String(reply, StandardCharsets.US_ASCII));
    } catch (java.net.SocketException reset) {
      return new Reply(-1, "");
    }
  }

  private Process start(Path dir, String name, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private static void awaitListening(Process p, Path out, int port) {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("exited: " + Files.readString(out));
              }
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
              }
            });
  }

  private static Proxy.Listener sending(ProxyProtocol version, Upstream upstream) {
    return new Proxy.Listener(
        new InetSocketAddress("127.0.0.1", 0),
        upstream,
        511,
        false,
        ListenerSettings.builder().sendProxyProtocol(version).build());
  }

  @Test
  void bothWaysWithRealNginxAndHaproxy(@TempDir Path dir) throws Exception {
    Privileges.assumeCommand("nginx");
    Privileges.assumeCommand("haproxy");
    Privileges.assumeThat(
        Files.exists(STREAM_MODULE), "needs nginx's stream module (libnginx-mod-stream)");
    int nginxBackend = freePort();
    int nginxFront = freePort();
    int haproxyV1 = freePort();
    int haproxyV2 = freePort();

    EchoBackend echo = new EchoBackend();
    closeables.add(echo);
    StringWriter log = new StringWriter();
    Upstream toNginx =
        new Upstream(
            "nginx",
            BalancingStrategies.roundRobin(),
            List.of(ServerSpec.parse("127.0.0.1:" + nginxBackend)));
    Upstream toEcho =
        new Upstream(
            "echo", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse(echo.address())));
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    Proxy proxy =
        Proxy.builder()
            .listen(sending(ProxyProtocol.V1, toNginx))
            .listen(sending(ProxyProtocol.V2, toNginx))
            .listen(new Proxy.Listener(any, toNginx, 511, false)) // the control: no header
            .listen(
                new Proxy.Listener(
                    any,
                    toEcho,
                    511,
                    false,
                    ListenerSettings.builder()
                        .accessLog(
                            AccessLog.toWriter(
                                log,
                                AccessLogFormat.parse(
                                    "$proxy_protocol_addr $proxy_protocol_port"
                                        + " $proxy_protocol_server_port $remote_addr $status")))
                        .build(),
                    true))
            .ioThreads(1)
            .drainTimeout(Duration.ofSeconds(2))
            .build();
    proxy.start();
    closeables.add(proxy::stop);
    int sendsV1 = proxy.boundAddresses().get(0).getPort();
    int sendsV2 = proxy.boundAddresses().get(1).getPort();
    int sendsNone = proxy.boundAddresses().get(2).getPort();
    int expects = proxy.boundAddresses().get(3).getPort();

    Files.createDirectories(dir.resolve("logs"));
    Path nginxConf = dir.resolve("nginx.conf");
    Files.writeString(
        nginxConf,
        "load_module "
            + STREAM_MODULE
            + ";\ndaemon off;\nmaster_process off;\nworker_processes 1;\n"
            + "pid "
            + dir.resolve("nginx.pid")
            + ";\nerror_log "
            + dir.resolve("logs/error.log")
            + " info;\nevents { worker_connections 64; }\nstream {\n"
            + "  server { listen 127.0.0.1:"
            + nginxBackend
            + " proxy_protocol; return \"$proxy_protocol_addr $proxy_protocol_port\\n\"; }\n"
            + "  server { listen 127.0.0.1:"
            + nginxFront
            + "; proxy_pass 127.0.0.1:"
            + expects
            + "; proxy_protocol on; }\n}\n");
    Process nginx = start(dir, "nginx", "nginx", "-p", dir.toString(), "-c", nginxConf.toString());
    Path haproxyCfg = dir.resolve("haproxy.cfg");
    Files.writeString(
        haproxyCfg,
        "global\n  maxconn 64\n"
            + "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n"
            + "listen v1\n  bind 127.0.0.1:"
            + haproxyV1
            + "\n  server ha4j 127.0.0.1:"
            + expects
            + " send-proxy\n"
            + "listen v2\n  bind 127.0.0.1:"
            + haproxyV2
            + "\n  server ha4j 127.0.0.1:"
            + expects
            + " send-proxy-v2\n");
    Process haproxy = start(dir, "haproxy", "haproxy", "-db", "-f", haproxyCfg.toString());
    awaitListening(nginx, dir.resolve("nginx.out"), nginxBackend);
    awaitListening(haproxy, dir.resolve("haproxy.out"), haproxyV2);

    // ha4j -> nginx, which answers with the address its PROXY header carried
    Reply v1 = exchange("127.0.0.5", sendsV1, "");
    assertThat(v1.text())
        .as("v1 header read by nginx")
        .isEqualTo("127.0.0.5 " + v1.clientPort() + "\n");
    Reply v2 = exchange("127.0.0.6", sendsV2, "");
    assertThat(v2.text())
        .as("v2 header read by nginx")
        .isEqualTo("127.0.0.6 " + v2.clientPort() + "\n");
    assertThat(exchange("127.0.0.4", sendsNone, "no header here\r\n").text())
        .as("the control: nginx refuses a connection without the header")
        .isEmpty();

    // HAProxy and nginx -> ha4j, which logs the address their header carried
    Reply viaHaproxyV1 = exchange("127.0.0.7", haproxyV1, "ping v1");
    Reply viaHaproxyV2 = exchange("127.0.0.8", haproxyV2, "ping v2");
    Reply viaNginx = exchange("127.0.0.9", nginxFront, "ping nginx", "ping nginx".length());
    assertThat(viaHaproxyV1.text()).isEqualTo("ping v1");
    assertThat(viaHaproxyV2.text()).isEqualTo("ping v2");
    assertThat(viaNginx.text()).isEqualTo("ping nginx");
    // the readiness probes' sessions came through HAProxy from 127.0.0.1: leave them out
    java.util.function.Supplier<List<String>> clientLines =
        () -> log.toString().lines().filter(l -> !l.startsWith("127.0.0.1 ")).toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> clientLines.get().size() >= 3);
    assertThat(clientLines.get())
        .containsExactlyInAnyOrder(
            "127.0.0.7 " + viaHaproxyV1.clientPort() + " " + haproxyV1 + " 127.0.0.1 200",
            "127.0.0.8 " + viaHaproxyV2.clientPort() + " " + haproxyV2 + " 127.0.0.1 200",
            "127.0.0.9 " + viaNginx.clientPort() + " " + nginxFront + " 127.0.0.1 200");
    assertThat(proxy.faults().get(ProxyFault.PROXY_PROTOCOL_BAD_HEADER)).isZero();
  }
}
