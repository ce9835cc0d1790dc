package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.AccessRules;
import org.ha4j.proxy.EchoBackend;
import org.ha4j.proxy.ListenerSettings;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;
import org.ha4j.proxy.ProxyProtocol;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PROXY protocol both ways, on every relay and transport: a {@code listen ... proxy_protocol}
 * listener takes the header (v1, v2, IPv4, IPv6, whole or in fragments) off the stream, relays the
 * bytes that followed it in the same segment, and logs its addresses; a bad header is a named fault
 * with status 400 and resources back to baseline; {@code proxy_protocol on} opens each backend
 * connection with the header. The v2 headers sent here are built by hand from the spec ({@code
 * doc/proxy-protocol.txt} section 2.2), not with the codec under test.
 */
@Timeout(120)
class ProxyProtocolTest {

  private static final String LOG_FORMAT =
      "$remote_addr $remote_port $realip_remote_addr $proxy_protocol_addr $proxy_protocol_port"
          + " $proxy_protocol_server_addr $proxy_protocol_server_port $status $bytes_received";

  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final StringWriter accessLogText = new StringWriter();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  static Stream<Arguments> relaysAndTransports() {
    return Stream.of(
        Arguments.of(RelayKind.COPY, true),
        Arguments.of(RelayKind.COPY, false),
        Arguments.of(RelayKind.SPLICE, false),
        Arguments.of(RelayKind.AUTO, false));
  }

  private static void assumeRelay(RelayKind relay) {
    if (relay != RelayKind.COPY) {
      Privileges.assumeThat(
          SpliceEngine.available(), "the " + relay + " relay needs splice(2) (Linux)");
    }
  }

  private Proxy proxy(
      RelayKind relay, boolean nio, String backend, boolean expectHeader, ListenerSettings s)
      throws Exception {
    Upstream upstream =
        new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse(backend)));
    AccessLog log = AccessLog.toWriter(accessLogText, AccessLogFormat.parse(LOG_FORMAT));
    Proxy proxy =
        Proxy.builder()
            .listen(
                new Proxy.Listener(
                    new InetSocketAddress("127.0.0.1", 0), upstream, 511, false, s, expectHeader))
            .relay(relay)
            .forceNio(nio)
            .accessLog(log)
            .ioThreads(1)
            .drainTimeout(Duration.ofSeconds(2))
            .build();
    proxy.start();
    closeables.add(proxy::stop);
    return proxy;
  }

  private static Socket connect(Proxy proxy) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(proxy.boundAddresses().get(0), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private List<String> awaitLogLines(int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> accessLogText.toString().lines().count() >= n);
    return accessLogText.toString().lines().toList();
  }

  static byte[] v1(String line) {
    return line.getBytes(StandardCharsets.US_ASCII);
  }

  /** A v2 PROXY header for TCP over IPv4 or IPv6 (by the addresses' length), no TLVs. */
  static byte[] v2(InetAddress src, InetAddress dst, int srcPort, int dstPort) {
    boolean ipv4 = src.getAddress().length == 4;
    int addressBytes = ipv4 ? 12 : 36;
    ByteBuffer b = ByteBuffer.allocate(16 + addressBytes);
    b.put(V2_SIGNATURE);
    b.put((byte) 0x21); // version 2, command PROXY
    b.put((byte) (ipv4 ? 0x11 : 0x21)); // AF_INET / AF_INET6, STREAM
    b.putShort((short) addressBytes);
    b.put(src.getAddress()).put(dst.getAddress());
    b.putShort((short) srcPort).putShort((short) dstPort);
    return b.array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ from clients

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void headersAreTakenOffAndTheBytesAfterThemInTheSameSegmentAreRelayed(
      RelayKind relay, boolean nio) throws Exception {
    assumeRelay(relay);
    EchoBackend backend = new EchoBackend();
    closeables.add(backend);
    Proxy proxy = proxy(relay, nio, backend.address(), true, ListenerSettings.inherit());
    byte[] payload = "hello after the header".getBytes(StandardCharsets.US_ASCII);
    // v1 IPv4 with the payload in the same write: one segment on loopback
    try (Socket s = connect(proxy)) {
      s.getOutputStream()
          .write(concat(v1("PROXY TCP4 192.0.2.7 198.51.100.1 40001 443\r\n"), payload));
      s.shutdownOutput();
      assertThat(readToEnd(s.getInputStream())).isEqualTo(payload);
    }
    // v2 IPv6, same
    try (Socket s = connect(proxy)) {
      byte[] header =
          v2(
              InetAddress.getByName("2001:db8::7"),
              InetAddress.getByName("2001:db8::1"),
              40002,
              8443);
      s.getOutputStream().write(concat(header, payload));
      s.shutdownOutput();
      assertThat(readToEnd(s.getInputStream())).isEqualTo(payload);
    }
    // v2 IPv4 and v1 IPv6 sent in fragments of one byte, then the payload in two writes
    byte[][] fragmented = {
      v2(InetAddress.getByName("203.0.113.9"), InetAddress.getByName("203.0.113.1"), 40003, 80),
      v1("PROXY TCP6 2001:db8::9 2001:db8::1 40004 8080\r\n")
    };
    for (byte[] header : fragmented) {
      try (Socket s = connect(proxy)) {
        OutputStream out = s.getOutputStream();
        for (byte b : header) {
          out.write(b);
          out.flush();
        }
        out.write(payload, 0, 5);
        out.write(payload, 5, payload.length - 5);
        InputStream in = s.getInputStream();
        assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
        s.shutdownOutput();
        assertThat(in.read()).isEqualTo(-1);
      }
    }
    // a header without addresses (v1 UNKNOWN, as a health check sends it) leaves the connection's
    try (Socket s = connect(proxy)) {
      s.getOutputStream().write(concat(v1("PROXY UNKNOWN\r\n"), payload));
      s.shutdownOutput();
      assertThat(readToEnd(s.getInputStream())).isEqualTo(payload);
    }
    List<String> lines = awaitLogLines(5);
    int n = payload.length;
    // without set_real_ip_from the connecting peer stays $remote_addr
    assertThat(lines.get(0))
        .matches(
            "127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 192\\.0\\.2\\.7 40001 198\\.51\\.100\\.1 443 200 "
                + n);
    assertThat(lines.get(1)).endsWith(" 2001:db8::7 40002 2001:db8::1 8443 200 " + n);
    assertThat(lines.get(2)).endsWith(" 203.0.113.9 40003 203.0.113.1 80 200 " + n);
    assertThat(lines.get(3)).endsWith(" 2001:db8::9 40004 2001:db8::1 8080 200 " + n);
    assertThat(lines.get(4)).matches("127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 - - - - 200 " + n);
    assertThat(backend.accepted.get()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void badHeadersEndTheSessionWithANamedFaultAndLeaveNothingBehind(RelayKind relay, boolean nio)
      throws Exception {
    assumeRelay(relay);
    EchoBackend backend = new EchoBackend();
    closeables.add(backend);
    Proxy proxy =
        proxy(
            relay,
            nio,
            backend.address(),
            true,
            ListenerSettings.builder().proxyProtocolTimeout(Duration.ofMillis(300)).build());
    // warm up through the same proxy, so pools that keep what they grew to are in the baseline
    try (Socket s = connect(proxy)) {
      s.getOutputStream().write(v1("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\nwarm"));
      s.shutdownOutput();
      assertThat(readToEnd(s.getInputStream())).hasSize(4);
    }
    awaitLogLines(1);
    ResourceBaseline baseline = ResourceBaseline.take(proxy);
    byte[] oversizedV2 =
        Arrays.copyOf(
            v2(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"), 1, 2), 16);
    oversizedV2[14] = 0x10; // 4096 address and TLV bytes: 4112 in all, above nginx's 4096
    oversizedV2[15] = 0x00;
    oversizedV2 = Arrays.copyOf(oversizedV2, 4112); // and all of them sent
    record Bad(String name, byte[] bytes, boolean closeAfter, ProxyFault fault, int status) {}
    List<Bad> cases =
        List.of(
            new Bad(
                "no header, other bytes",
                v1("GET / HTTP/1.0\r\n\r\n"),
                false,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "a few bytes that cannot start a header, then silence",
                v1("hi\n"),
                false,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "malformed v1",
                v1("PROXY TCP4 300.1.1.1 192.0.2.2 1 2\r\n"),
                false,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "v1 line longer than 108 bytes",
                v1("PROXY TCP4 " + "1".repeat(200)),
                false,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "v2 longer than 4096 bytes",
                oversizedV2,
                false,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "closed mid-header",
                v1("PROXY TCP4 192.0.2.1"),
                true,
                ProxyFault.PROXY_PROTOCOL_BAD_HEADER,
                400),
            new Bad(
                "no whole header in time",
                v1("PROXY TCP4 192.0.2.1"),
                false,
                ProxyFault.PROXY_PROTOCOL_TIMEOUT,
                200));
    int logged = 1;
    for (Bad bad : cases) {
      long before = proxy.faults().get(bad.fault);
      try (Socket s = connect(proxy)) {
        s.getOutputStream().write(bad.bytes);
        if (bad.closeAfter) {
          s.shutdownOutput();
        }
        try {
          assertThat(s.getInputStream().read()).as(bad.name + ": the proxy closes").isEqualTo(-1);
        } catch (java.net.SocketException reset) {
          // closed with unread bytes in its buffer: the kernel resets, which also ends it
        }
      }
      logged++;
      List<String> lines = awaitLogLines(logged);
      assertThat(lines.get(logged - 1)).as(bad.name).endsWith(" - - - - " + bad.status + " 0");
      assertThat(proxy.faults().get(bad.fault)).as(bad.name + ": counted").isEqualTo(before + 1);
      assertThat(backend.accepted.get()).as(bad.name + ": no backend connect").isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
      baseline.assertBackAfter(bad.name);
    }
  }

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void setRealIpFromMakesTheHeaderSourceTheClientForRulesAndTheHeaderSentOn(
      RelayKind relay, boolean nio) throws Exception {
    assumeRelay(relay);
    try (RecordingBackend backend = new RecordingBackend()) {
      Proxy proxy =
          proxy(
              relay,
              nio,
              backend.address(),
              true,
              ListenerSettings.builder()
                  .realIpFrom(List.of(IpCidr.parse("127.0.0.0/8")))
                  .accessRules(AccessRules.builder().deny("192.0.2.66").build())
                  .sendProxyProtocol(ProxyProtocol.V1)
                  .build());
      try (Socket s = connect(proxy)) {
        s.getOutputStream().write(v1("PROXY TCP4 192.0.2.66 198.51.100.1 40001 443\r\nx"));
        assertThat(s.getInputStream().read()).as("denied by the header's source").isEqualTo(-1);
      }
      try (Socket s = connect(proxy)) {
        s.getOutputStream().write(v1("PROXY TCP4 192.0.2.7 198.51.100.1 40001 443\r\nbody"));
        s.shutdownOutput();
        assertThat(readToEnd(s.getInputStream())).isEmpty();
        InetSocketAddress local = proxy.boundAddresses().get(0);
        assertThat(new String(backend.received(), StandardCharsets.US_ASCII))
            .isEqualTo("PROXY TCP4 192.0.2.7 127.0.0.1 40001 " + local.getPort() + "\r\nbody");
      }
      List<String> lines = awaitLogLines(2);
      assertThat(lines.get(0))
          .startsWith("192.0.2.66 40001 127.0.0.1 192.0.2.66 40001 ")
          .endsWith(" 403 0");
      assertThat(lines.get(1))
          .startsWith("192.0.2.7 40001 127.0.0.1 192.0.2.7 40001 ")
          .endsWith(" 200 4");
    }
  }

  /**
   * With {@code set_real_ip_from}, {@code hash $remote_addr} hashes the header's source: each
   * session lands where nginx's hash puts that address (computed with the balancer alone), not
   * where the proxy's own peer address would put all of them.
   */
  @org.junit.jupiter.api.Test
  void hashBalancingUsesTheTrustedHeadersSource() throws Exception {
    EchoBackend a = new EchoBackend();
    EchoBackend b = new EchoBackend();
    closeables.add(a);
    closeables.add(b);
    List<ServerSpec> specs = List.of(ServerSpec.parse(a.address()), ServerSpec.parse(b.address()));
    Upstream upstream = new Upstream("u", BalancingStrategies.parse("hash $remote_addr"), specs);
    Proxy proxy =
        Proxy.builder()
            .listen(
                new Proxy.Listener(
                    new InetSocketAddress("127.0.0.1", 0),
                    upstream,
                    511,
                    false,
                    ListenerSettings.builder()
                        .realIpFrom(List.of(IpCidr.parse("127.0.0.1")))
                        .build(),
                    true))
            .relay(RelayKind.COPY)
            .ioThreads(1)
            .build();
    proxy.start();
    closeables.add(proxy::stop);
    int expectedOnA = 0;
    for (int i = 1; i <= 20; i++) {
      String source = "192.0.2." + i;
      if (hashPick(specs, source).equals(a.address())) {
        expectedOnA++;
      }
      try (Socket s = connect(proxy)) {
        s.getOutputStream().write(v1("PROXY TCP4 " + source + " 192.0.2.254 1000 80\r\nx"));
        s.shutdownOutput();
        assertThat(readToEnd(s.getInputStream())).hasSize(1);
      }
    }
    assertThat(expectedOnA).as("the sources spread over both servers").isBetween(1, 19);
    assertThat(a.accepted.get()).isEqualTo(expectedOnA);
    assertThat(b.accepted.get()).isEqualTo(20 - expectedOnA);
  }

  private static String hashPick(List<ServerSpec> specs, String remoteAddr) {
    List<org.ha4j.proxy.balance.Peer> peers = new ArrayList<>();
    for (ServerSpec spec : specs) {
      peers.add(new org.ha4j.proxy.balance.Peer(spec));
    }
    org.ha4j.proxy.balance.PeerGroup group = new org.ha4j.proxy.balance.PeerGroup(peers);
    org.ha4j.proxy.balance.Attempt attempt =
        group.newAttempt(remoteAddr.getBytes(StandardCharsets.US_ASCII), new byte[4], 0);
    return BalancingStrategies.parse("hash $remote_addr")
        .newSelector(group)
        .select(attempt, 0)
        .server();
  }

  // ------------------------------------------------------------------ to backends

  @ParameterizedTest(name = "{0} relay, nio={1}")
  @MethodSource("relaysAndTransports")
  void proxyProtocolOnOpensTheBackendConnectionWithTheClientsAddresses(RelayKind relay, boolean nio)
      throws Exception {
    assumeRelay(relay);
    for (ProxyProtocol version : List.of(ProxyProtocol.V1, ProxyProtocol.V2)) {
      try (RecordingBackend backend = new RecordingBackend()) {
        Proxy proxy =
            proxy(
                relay,
                nio,
                backend.address(),
                false,
                ListenerSettings.builder().sendProxyProtocol(version).build());
        int clientPort;
        try (Socket s = connect(proxy)) {
          clientPort = s.getLocalPort();
          s.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
          s.shutdownOutput();
          assertThat(readToEnd(s.getInputStream())).isEmpty();
        }
        int proxyPort = proxy.boundAddresses().get(0).getPort();
        byte[] header =
            version == ProxyProtocol.V1
                ? v1("PROXY TCP4 127.0.0.1 127.0.0.1 " + clientPort + " " + proxyPort + "\r\n")
                : v2(
                    InetAddress.getByName("127.0.0.1"),
                    InetAddress.getByName("127.0.0.1"),
                    clientPort,
                    proxyPort);
        assertThat(backend.received())
            .isEqualTo(concat(header, "payload".getBytes(StandardCharsets.US_ASCII)));
        proxy.stop();
      }
    }
  }

  /** Accepts one connection, keeps what it receives until the client's FIN, then closes. */
  static final class RecordingBackend implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    private final CompletableFuture<byte[]> received =
        CompletableFuture.supplyAsync(
            () -> {
              try (Socket s = server.accept()) {
                return readToEnd(s.getInputStream());
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    RecordingBackend() throws IOException {}

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    byte[] received() throws Exception {
      return received.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
