package org.ha4j.health.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS against a JDK HttpsServer on loopback with a certificate made for this run by keytool. */
class HttpsProbeTest {

  private static final char[] PASSWORD = "changeit".toCharArray();

  @Test
  void httpsGetTrustsAPrivateCertificateThroughItsSslContext(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=ha4j-test",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/health",
        exchange -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
    try (SystemScheduler scheduler = new SystemScheduler("https-test")) {
      URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/health");
      ProbeContext context = ProbeContext.of(Duration.ofSeconds(10), scheduler, Runnable::run);
      ProbeResult trusted =
          HttpProbe.get(uri)
              .sslContext(clientTls)
              .expectBodyContaining("ok")
              .build()
              .start(context)
              .toCompletableFuture()
              .orTimeout(20, TimeUnit.SECONDS)
              .join();
      assertThat(trusted).isEqualTo(ProbeResult.ok("HTTP 200 from " + uri));

      ProbeResult untrusted =
          HttpProbe.get(uri)
              .build()
              .start(context)
              .toCompletableFuture()
              .orTimeout(20, TimeUnit.SECONDS)
              .join();
      assertThat(untrusted.healthy()).isFalse();
      assertThat(untrusted.detail()).startsWith("GET " + uri + ": SSLHandshakeException");
    } finally {
      server.stop(0);
    }
  }
}
