package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.Peer;
import org.ha4j.proxy.balance.PeerGroup;
import org.ha4j.proxy.balance.Selector;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ha4j's {@code hash $remote_addr consistent} (and plain {@code hash $remote_addr}) pick the same
 * server as a real nginx for every client address. nginx (Debian's, with libnginx-mod-stream) runs
 * on loopback with its own prefix and configuration in a temporary directory; clients bind distinct
 * 127.x.y.z source addresses so {@code $remote_addr} varies; each backend answers with its name.
 */
@Timeout(180)
class NginxHashCompatibilityIT {

  private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

  private final List<ServerSocket> backends = new ArrayList<>();
  private Process nginx;

  @AfterEach
  void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy(); // SIGTERM to this PID only
      if (!nginx.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        nginx.destroyForcibly();
      }
    }
    for (ServerSocket s : backends) {
      s.close();
    }
  }

  private ServerSocket namedBackend(String name) throws IOException {
    ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    backends.add(server);
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  return;
                }
              }
            },
            "backend-" + name);
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** What the server at {@code address} answers to a client on ::1. */
  private static String fetchOverIpv6(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 5000);
      s.setSoTimeout(10_000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String fetchFrom(String sourceAddress, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(sourceAddress, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static void assumeNginxWithStream() {
    Privileges.assumeCommand("nginx");
    Privileges.assumeThat(
        Files.exists(STREAM_MODULE),
        "needs nginx's stream module (apt-get install " + "libnginx-mod-stream)");
  }

  /** Starts nginx in the foreground with this stream block, its files under {@code prefix}. */
  private void startNginx(Path prefix, String stream) throws IOException {
    Files.createDirectories(prefix.resolve("logs"));
    String conf =
        "load_module "
            + STREAM_MODULE
            + ";\n"
            + "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            + "pid "
            + prefix.resolve("nginx.pid")
            + ";\n"
            + "error_log "
            + prefix.resolve("logs/error.log")
            + " warn;\n"
            + "events { worker_connections 1024; }\n"
            + "stream {\n"
            + stream
            + "}\n";
    Path confFile = prefix.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    nginx =
        new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
            .start();
  }

  @Test
  void sameServerAsNginxForEveryClientAddress(@TempDir Path prefix) throws Exception {
    assumeNginxWithStream();
    // weights differ so that ketama's weight handling is compared too
    String[] names = {"alpha", "bravo", "charlie", "delta", "echo"};
    int[] weights = {1, 2, 1, 3, 1};
    List<String> servers = new ArrayList<>();
    Map<String, String> nameOfServer = new HashMap<>();
    StringBuilder serverLines = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      ServerSocket backend = namedBackend(names[i]);
      String server = "127.0.0.1:" + backend.getLocalPort();
      servers.add(server);
      nameOfServer.put(server, names[i]);
      serverLines
          .append("    server ")
          .append(server)
          .append(" weight=")
          .append(weights[i])
          .append(";\n");
    }
    int consistentPort = freePort();
    int hashPort = freePort();
    startNginx(
        prefix,
        "  upstream consistent {\n    hash $remote_addr consistent;\n"
            + serverLines
            + "  }\n"
            + "  upstream plain {\n    hash $remote_addr;\n"
            + serverLines
            + "  }\n"
            + "  server { listen 127.0.0.1:"
            + consistentPort
            + "; proxy_pass consistent; }\n"
            + "  server { listen 127.0.0.1:"
            + hashPort
            + "; proxy_pass plain; }\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> !fetchFrom("127.0.0.1", consistentPort).isEmpty());

    List<ServerSpec> specs = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      specs.add(ServerSpec.parse(servers.get(i) + " weight=" + weights[i]));
    }
    List<String> clients = new ArrayList<>();
    for (int i = 1; i <= 120; i++) {
      clients.add("127.0.0." + i);
    }
    for (int i = 0; i < 120; i++) {
      clients.add("127." + (i % 7 + 1) + "." + (i * 37 % 256) + "." + (i * 101 % 254 + 1));
    }
    Map<String, Integer> spread = new HashMap<>();
    for (String[] method :
        new String[][] {
          {"hash $remote_addr consistent", "" + consistentPort},
          {"hash $remote_addr", "" + hashPort}
        }) {
      BalancingStrategy strategy = BalancingStrategies.parse(method[0]);
      List<Peer> peers = new ArrayList<>();
      for (ServerSpec spec : specs) {
        peers.add(new Peer(spec));
      }
      PeerGroup group = new PeerGroup(peers);
      Selector selector = strategy.newSelector(group);
      for (String client : clients) {
        String viaNginx = fetchFrom(client, Integer.parseInt(method[1]));
        Attempt attempt =
            group.newAttempt(
                client.getBytes(StandardCharsets.US_ASCII),
                InetAddress.getByName(client).getAddress(),
                0);
        String viaHa4j = nameOfServer.get(selector.select(attempt, 0).server());
        group.release(attempt, false, 0);
        assertThat(viaHa4j).as("%s for client %s", method[0], client).isEqualTo(viaNginx);
        spread.merge(method[0] + " " + viaNginx, 1, Integer::sum);
      }
    }
    // the comparison means something only if the clients spread over several servers
    assertThat(
            spread.keySet().stream()
                .filter(k -> k.endsWith("consistent") || k.contains("consistent "))
                .count())
        .isGreaterThanOrEqualTo(3);
  }

  /**
   * An IPv6 client's {@code $remote_addr} is hashed as nginx writes it ({@code ::1}), so a real
   * proxy picks the server nginx picks. Six groups with rotated weights, so that "::1" and the
   * JDK's "0:0:0:0:0:0:0:1" land on different servers in at least one of them.
   */
  @Test
  void ipv6ClientHashesItsAddressAsNginxWritesIt(@TempDir Path prefix) throws Exception {
    assumeNginxWithStream();
    String[] names = {"alpha", "bravo", "charlie", "delta", "echo"};
    List<String> servers = new ArrayList<>();
    Map<String, String> nameOfServer = new HashMap<>();
    for (String name : names) {
      String server = "127.0.0.1:" + namedBackend(name).getLocalPort();
      servers.add(server);
      nameOfServer.put(server, name);
    }
    int groups = 6;
    List<List<ServerSpec>> specsOfGroup = new ArrayList<>();
    StringBuilder stream = new StringBuilder();
    List<Integer> nginxPorts = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      List<ServerSpec> specs = new ArrayList<>();
      stream.append("  upstream g").append(g).append(" {\n    hash $remote_addr;\n");
      for (int i = 0; i < servers.size(); i++) {
        String line = servers.get(i) + " weight=" + ((i + g) % 4 + 1);
        specs.add(ServerSpec.parse(line));
        stream.append("    server ").append(line).append(";\n");
      }
      stream.append("  }\n");
      int port = freePort();
      nginxPorts.add(port);
      stream
          .append("  server { listen [::1]:")
          .append(port)
          .append("; proxy_pass g")
          .append(g)
          .append("; }\n");
      specsOfGroup.add(specs);
    }
    startNginx(prefix, stream.toString());
    InetAddress loopback6 = InetAddress.getByName("::1");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> !fetchOverIpv6(new InetSocketAddress(loopback6, nginxPorts.get(0))).isEmpty());

    Proxy.Builder builder = Proxy.builder().ioThreads(1).drainTimeout(Duration.ofSeconds(1));
    for (int g = 0; g < groups; g++) {
      builder.listen(
          new Proxy.Listener(
              new InetSocketAddress(loopback6, 0),
              new Upstream(
                  "g" + g, BalancingStrategies.parse("hash $remote_addr"), specsOfGroup.get(g)),
              511,
              false));
    }
    Proxy proxy = builder.build();
    proxy.start();
    boolean keyTextMatters = false;
    try {
      for (int g = 0; g < groups; g++) {
        String viaNginx = fetchOverIpv6(new InetSocketAddress(loopback6, nginxPorts.get(g)));
        String viaHa4j = fetchOverIpv6(proxy.boundAddresses().get(g));
        assertThat(viaHa4j).as("group g%d", g).isEqualTo(viaNginx);
        keyTextMatters |=
            !pick(specsOfGroup.get(g), "::1", nameOfServer)
                .equals(pick(specsOfGroup.get(g), "0:0:0:0:0:0:0:1", nameOfServer));
      }
    } finally {
      proxy.stop();
    }
    assertThat(keyTextMatters).as("some group tells the two spellings of ::1 apart").isTrue();
  }

  private static String pick(List<ServerSpec> specs, String key, Map<String, String> nameOfServer)
      throws IOException {
    List<Peer> peers = new ArrayList<>();
    for (ServerSpec spec : specs) {
      peers.add(new Peer(spec));
    }
    PeerGroup group = new PeerGroup(peers);
    Attempt attempt =
        group.newAttempt(
            key.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("::1").getAddress(), 0);
    return nameOfServer.get(
        BalancingStrategies.parse("hash $remote_addr")
            .newSelector(group)
            .select(attempt, 0)
            .server());
  }
}
