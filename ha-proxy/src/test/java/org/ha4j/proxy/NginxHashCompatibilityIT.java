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
 * ha4j's {@code hash $remote_addr consistent} (and plain {@code hash $remote_addr}) pick the same server as a
 * real nginx for every client address. nginx (Debian's, with libnginx-mod-stream) runs on loopback with its
 * own prefix and configuration in a temporary directory; clients bind distinct 127.x.y.z source addresses so
 * {@code $remote_addr} varies; each backend answers with its name.
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
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        }, "backend-" + name);
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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

    @Test
    void sameServerAsNginxForEveryClientAddress(@TempDir Path prefix) throws Exception {
        Privileges.assumeCommand("nginx");
        Privileges.assumeThat(Files.exists(STREAM_MODULE), "needs nginx's stream module (apt-get install "
                + "libnginx-mod-stream)");
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
            serverLines.append("    server ").append(server).append(" weight=").append(weights[i]).append(";\n");
        }
        int consistentPort = freePort();
        int hashPort = freePort();
        Files.createDirectories(prefix.resolve("logs"));
        String conf = "load_module " + STREAM_MODULE + ";\n"
                + "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                + "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("logs/error.log") + " warn;\n"
                + "events { worker_connections 1024; }\n"
                + "stream {\n"
                + "  upstream consistent {\n    hash $remote_addr consistent;\n" + serverLines + "  }\n"
                + "  upstream plain {\n    hash $remote_addr;\n" + serverLines + "  }\n"
                + "  server { listen 127.0.0.1:" + consistentPort + "; proxy_pass consistent; }\n"
                + "  server { listen 127.0.0.1:" + hashPort + "; proxy_pass plain; }\n"
                + "}\n";
        Path confFile = prefix.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
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
        for (String[] method : new String[][] {{"hash $remote_addr consistent", "" + consistentPort},
                {"hash $remote_addr", "" + hashPort}}) {
            BalancingStrategy strategy = BalancingStrategies.parse(method[0]);
            List<Peer> peers = new ArrayList<>();
            for (ServerSpec spec : specs) {
                peers.add(new Peer(spec));
            }
            PeerGroup group = new PeerGroup(peers);
            Selector selector = strategy.newSelector(group);
            for (String client : clients) {
                String viaNginx = fetchFrom(client, Integer.parseInt(method[1]));
                Attempt attempt = group.newAttempt(client.getBytes(StandardCharsets.US_ASCII),
                        InetAddress.getByName(client).getAddress(), 0);
                String viaHa4j = nameOfServer.get(selector.select(attempt, 0).server());
                group.release(attempt, false, 0);
                assertThat(viaHa4j).as("%s for client %s", method[0], client).isEqualTo(viaNginx);
                spread.merge(method[0] + " " + viaNginx, 1, Integer::sum);
            }
        }
        // the comparison means something only if the clients spread over several servers
        assertThat(spread.keySet().stream().filter(k -> k.endsWith("consistent") || k.contains("consistent "))
                .count()).isGreaterThanOrEqualTo(3);
    }
}
