package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every relay promises, proven on loopback with ephemeral ports: one subclass per relay (the
 * JCTools {@code QueueSanityTest} pattern). Transfers are checksummed both ways.
 */
abstract class RelayContract {

  abstract RelayKind relay();

  final List<AutoCloseable> closeables = new ArrayList<>();
  final StringWriter accessLogText = new StringWriter();
  AccessLog accessLog;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  Proxy proxyTo(String backend, Proxy.Builder extra) throws Exception {
    Upstream upstream =
        new Upstream(
            "backend", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse(backend)));
    accessLog =
        AccessLog.toWriter(
            accessLogText,
            AccessLogFormat.parse(
                "$remote_addr $upstream_addr $status $bytes_sent $bytes_received $upstream_bytes_sent "
                    + "$upstream_bytes_received"));
    Proxy proxy =
        extra
            .listen("127.0.0.1:0", upstream)
            .relay(relay())
            .accessLog(accessLog)
            .drainTimeout(Duration.ofSeconds(2))
            .ioThreads(2)
            .build();
    proxy.start();
    closing(proxy::stop);
    assertThat(proxy.relay()).isEqualTo(relay());
    return proxy;
  }

  Proxy proxyTo(String backend) throws Exception {
    return proxyTo(backend, Proxy.builder());
  }

  static Socket connect(Proxy proxy) throws IOException {
    InetSocketAddress address = proxy.boundAddresses().get(0);
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), 5_000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /**
   * Sends {@code size} seeded random bytes, half-closes, reads the echo to EOF; returns both
   * checksums.
   */
  static long[] echoRoundTrip(Socket socket, long size, long seed) throws Exception {
    CompletableFuture<long[]> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                InputStream in = socket.getInputStream();
                CRC32 crc = new CRC32();
                byte[] buf = new byte[256 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                  crc.update(buf, 0, n);
                  total += n;
                }
                return new long[] {total, crc.getValue()};
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    CRC32 sent = new CRC32();
    SplittableRandom random = new SplittableRandom(seed);
    OutputStream out = socket.getOutputStream();
    byte[] chunk = new byte[256 * 1024];
    long left = size;
    while (left > 0) {
      int n = (int) Math.min(chunk.length, left);
      for (int i = 0; i < n; i += 8) {
        long r = random.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) {
          chunk[i + j] = (byte) (r >>> (8 * j));
        }
      }
      out.write(chunk, 0, n);
      sent.update(chunk, 0, n);
      left -= n;
    }
    socket.shutdownOutput();
    long[] received = reader.get(120, TimeUnit.SECONDS);
    assertThat(received[0]).as("bytes echoed").isEqualTo(size);
    assertThat(received[1]).as("checksum of the echo").isEqualTo(sent.getValue());
    return received;
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 65_539, 16L << 20})
  @Timeout(120)
  void transfersAreByteExactBothWays(long size) throws Exception {
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      echoRoundTrip(socket, size, size);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
    ListenerStats stats = proxy.listenerStats().get(0);
    assertThat(stats.bytesReceived()).isEqualTo(size);
    assertThat(stats.bytesSent()).isEqualTo(size);
    BackendStats b = proxy.upstream("backend").stats(0).get(0);
    assertThat(b.bytesSent()).isEqualTo(size);
    assertThat(b.bytesReceived()).isEqualTo(size);
    assertThat(b.active()).isZero();
  }

  @Test
  @Timeout(300)
  void oneGibibyteEachWayOnLoopback() throws Exception {
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      echoRoundTrip(socket, 1L << 30, 1234);
    }
  }

  @Test
  @Timeout(300)
  void twoHundredMebibytesEachWayWithoutAHalfClose() throws Exception {
    // the 1 GiB test ends its stream with a half-close; here the client reads the whole echo and
    // then
    // closes both ways at once, so nothing but byte counting tells either side the stream is over
    long size = 200L << 20;
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      CompletableFuture<long[]> reader =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  InputStream in = socket.getInputStream();
                  CRC32 crc = new CRC32();
                  byte[] buf = new byte[256 * 1024];
                  long total = 0;
                  while (total < size) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, size - total));
                    if (n < 0) {
                      break;
                    }
                    crc.update(buf, 0, n);
                    total += n;
                  }
                  return new long[] {total, crc.getValue()};
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      CRC32 sent = new CRC32();
      SplittableRandom random = new SplittableRandom(200);
      byte[] chunk = new byte[256 * 1024];
      OutputStream out = socket.getOutputStream();
      for (long left = size; left > 0; left -= chunk.length) {
        for (int i = 0; i < chunk.length; i += 8) {
          long r = random.nextLong();
          for (int j = 0; j < 8; j++) {
            chunk[i + j] = (byte) (r >>> (8 * j));
          }
        }
        out.write(chunk);
        sent.update(chunk);
      }
      long[] received = reader.get(240, TimeUnit.SECONDS);
      assertThat(received[0]).as("bytes echoed").isEqualTo(size);
      assertThat(received[1]).as("checksum of the echo").isEqualTo(sent.getValue());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> proxy.activeSessions() == 0 && backend.open.get() == 0);
  }

  @Test
  @Timeout(60)
  void aBackendThatAnswersAndClosesAtOnceReachesTheClientWhole() throws Exception {
    // the backend's bytes and FIN can arrive before the relay has started: none of them may be lost
    byte[] greeting =
        "APP01 (a backend that speaks first and hangs up)\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  s.getOutputStream().write(greeting);
                  s.getOutputStream().flush();
                  s.close();
                }));
    Proxy proxy = proxyTo(backend.address());
    for (int i = 0; i < 200; i++) {
      try (Socket socket = connect(proxy)) {
        socket.setSoTimeout(5_000);
        assertThat(socket.getInputStream().readAllBytes()).as("session %d", i).isEqualTo(greeting);
      }
    }
  }

  @Test
  @Timeout(60)
  void burstsArriveWholeWhileTheConnectionStaysOpen() throws Exception {
    // request/response like HTTP keep-alive with 1 MiB answers: after each burst nothing else
    // happens on
    // the connection, so a relay that stops reading early waits forever
    int size = 1 << 20;
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 31);
    }
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  InputStream in = s.getInputStream();
                  while (in.read() >= 0) {
                    s.getOutputStream().write(data);
                    s.getOutputStream().flush();
                  }
                  s.close();
                }));
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      socket.setSoTimeout(5_000);
      for (int round = 0; round < 30; round++) {
        socket.getOutputStream().write(1);
        byte[] got = socket.getInputStream().readNBytes(size);
        assertThat(got.length).isEqualTo(size);
        assertThat(got[size - 1]).isEqualTo(data[size - 1]);
      }
    }
  }

  @Test
  @Timeout(60)
  void halfCloseTravelsBothWays() throws Exception {
    CompletableFuture<String> backendSaw = new CompletableFuture<>();
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  InputStream in = s.getInputStream();
                  byte[] request =
                      in.readAllBytes(); // returns at the client's FIN, relayed by the proxy
                  backendSaw.complete(
                      new String(request, java.nio.charset.StandardCharsets.US_ASCII));
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "reply after your FIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                  out.flush();
                  s.shutdownOutput();
                  // the peer's close arrives as EOF here
                  assertThat(in.read()).isEqualTo(-1);
                  s.close();
                }));
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      socket
          .getOutputStream()
          .write("request".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      assertThat(backendSaw.get(10, TimeUnit.SECONDS)).isEqualTo("request");
      byte[] reply = socket.getInputStream().readAllBytes();
      assertThat(new String(reply, java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("reply after your FIN");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
    assertThat(backend.failures).isEmpty();
  }

  @Test
  @Timeout(60)
  void bytesTheClientSendsAfterTheServersFinReachTheServerBeforeItsEof() throws Exception {
    // the server's FIN first, then the client's last bytes and FIN: the relay may close the
    // client's connection on that FIN, but only after the bytes before it are on their way
    java.nio.charset.Charset ascii = java.nio.charset.StandardCharsets.US_ASCII;
    List<String> backendSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  s.getOutputStream().write("greeting, then FIN".getBytes(ascii));
                  s.getOutputStream().flush();
                  s.shutdownOutput();
                  backendSaw.add(new String(s.getInputStream().readAllBytes(), ascii));
                  s.close();
                }));
    Proxy proxy = proxyTo(backend.address());
    int sessions = 50;
    for (int i = 0; i < sessions; i++) {
      try (Socket socket = connect(proxy)) {
        socket.setSoTimeout(5_000);
        assertThat(new String(socket.getInputStream().readAllBytes(), ascii))
            .as("session %d", i)
            .isEqualTo("greeting, then FIN");
        socket.getOutputStream().write("last words".getBytes(ascii));
        socket.shutdownOutput();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backendSaw.size() == sessions);
    assertThat(backendSaw).containsOnly("last words");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
    assertThat(backend.failures).isEmpty();
  }

  @Test
  @Timeout(60)
  void backendResetReachesTheClientAsReset() throws Exception {
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  s.getInputStream().read();
                  s.setSoLinger(true, 0);
                  s.close(); // RST
                }));
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      socket.getOutputStream().write(1);
      assertThatThrownBy(
              () -> {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                  // a FIN would end this loop without an exception
                }
              })
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
  }

  @Test
  @Timeout(60)
  void clientResetReachesTheBackendAsReset() throws Exception {
    CompletableFuture<Throwable> backendSaw = new CompletableFuture<>();
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  s.getOutputStream().write(1);
                  try {
                    while (s.getInputStream().read() >= 0) {
                      // wait for the end
                    }
                    backendSaw.complete(null);
                  } catch (IOException e) {
                    backendSaw.complete(e);
                  }
                }));
    Proxy proxy = proxyTo(backend.address());
    Socket socket = connect(proxy);
    assertThat(socket.getInputStream().read()).isEqualTo(1);
    socket.setSoLinger(true, 0);
    socket.close();
    assertThat(backendSaw.get(10, TimeUnit.SECONDS))
        .isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");
  }

  @Test
  @Timeout(60)
  void idleSessionsAreClosedAfterTheIdleTimeout() throws Exception {
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address(), Proxy.builder().idleTimeout(Duration.ofMillis(300)));
    try (Socket socket = connect(proxy)) {
      socket.getOutputStream().write(7);
      assertThat(socket.getInputStream().read()).isEqualTo(7);
      long start = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.open.get() == 0);
    proxy.stop();
    assertThat(accessLogText.toString()).contains(" 200 1 1 1 1");
  }

  @Test
  @Timeout(120)
  void slowReaderDoesNotMakeTheProxyBuffer() throws Exception {
    long size = 256L << 20;
    AtomicLong written = new AtomicLong();
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  OutputStream out = s.getOutputStream();
                  byte[] chunk = new byte[64 * 1024];
                  for (long sent = 0; sent < size; sent += chunk.length) {
                    java.util.Arrays.fill(chunk, (byte) (sent >>> 16));
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                  }
                  s.shutdownOutput();
                  s.getInputStream().read();
                  s.close();
                }));
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      socket.setReceiveBufferSize(64 * 1024);
      // the client reads nothing: the backend must stall once the socket buffers on the way are
      // full
      long[] last = {-1};
      await()
          .pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                long now = written.get();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled;
              });
      // loopback socket buffers autotune to several MiB each, so the stall point says little; what
      // the
      // proxy itself holds is what the allocator has handed out, which must stay at a read or two
      assertThat(written.get()).as("backend stalled before the end").isLessThan(size);
      assertThat(proxy.bufferedBytes()).as("bytes held inside the proxy").isLessThan(1L << 20);
      // now read everything, byte-exact
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          long offset = total + i;
          if (buf[i] != (byte) ((offset / 65536 * 65536) >>> 16)) {
            throw new AssertionError("byte " + offset + " differs");
          }
        }
        total += n;
      }
      assertThat(total).isEqualTo(size);
    }
  }

  @Test
  @Timeout(60)
  void backendDyingMidStreamEndsTheSession() throws Exception {
    BlockingBackend backend =
        closing(
            new BlockingBackend(
                s -> {
                  OutputStream out = s.getOutputStream();
                  out.write(new byte[1 << 20]);
                  out.flush();
                  s.setSoLinger(true, 0);
                  s.close(); // dies without finishing the announced stream
                }));
    Proxy proxy = proxyTo(backend.address());
    try (Socket socket = connect(proxy)) {
      InputStream in = socket.getInputStream();
      long total = 0;
      try {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
          total += n;
        }
      } catch (SocketException expected) {
        // a reset may overtake the last bytes; either way the session ends
      }
      assertThat(total).isLessThanOrEqualTo(1 << 20);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
  }

  @Test
  @Timeout(240)
  void fourThousandConcurrentSessions() throws Exception {
    int sessions = 4_000;
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address(), Proxy.builder());
    List<Socket> sockets = new ArrayList<>(sessions);
    try {
      for (int i = 0; i < sessions; i++) {
        Socket s = connect(proxy);
        sockets.add(s);
        s.getOutputStream().write(i & 0x7f);
      }
      for (int i = 0; i < sessions; i++) {
        assertThat(sockets.get(i).getInputStream().read()).isEqualTo(i & 0x7f);
      }
      assertThat(proxy.activeSessions()).isEqualTo(sessions);
      assertThat(backend.open.get()).isEqualTo(sessions);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> proxy.activeSessions() == 0 && backend.open.get() == 0);
  }
}
