package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * nginx's {@code server {}}: each listener of one proxy with its own timeouts, rules and log, on
 * one loop group.
 */
@Timeout(60)
class ListenerSettingsTest {

  static Socket connect(Proxy proxy, int listener) throws Exception {
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress("127.0.0.1", proxy.boundAddresses().get(listener).getPort()), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  static void echoes(Socket s, int b) throws Exception {
    s.getOutputStream().write(b);
    assertThat(s.getInputStream().read()).isEqualTo(b);
  }

  @Test
  void oneProxyServesListenersWithTheirOwnSettingsOnOneEventLoopGroup() throws Exception {
    StringWriter sharedLog = new StringWriter();
    StringWriter ownLog = new StringWriter();
    try (EchoBackend backend = new EchoBackend()) {
      Upstream upstream =
          new Upstream(
              "u", BalancingStrategies.roundRobin(), List.of(ServerSpec.of(backend.address())));
      Proxy proxy =
          Proxy.builder()
              .listen("127.0.0.1:0", upstream) // inherits everything below
              .listen(
                  "127.0.0.1:0",
                  upstream,
                  ListenerSettings.builder().idleTimeout(Duration.ofMillis(300)).build())
              .listen(
                  "127.0.0.1:0",
                  upstream,
                  ListenerSettings.builder()
                      .accessRules(AccessRules.builder().deny("all").build())
                      .accessLog(
                          AccessLog.toWriter(
                              ownLog, AccessLogFormat.parse("$status own", ZoneId.of("UTC"))))
                      .build())
              .idleTimeout(Duration.ofMinutes(10))
              .accessLog(
                  AccessLog.toWriter(
                      sharedLog, AccessLogFormat.parse("$status shared", ZoneId.of("UTC"))))
              .drainTimeout(Duration.ofSeconds(1))
              .ioThreads(1)
              .build();
      proxy.start();
      try {
        try (Socket inheriting = connect(proxy, 0);
            Socket quick = connect(proxy, 1)) {
          echoes(inheriting, 1);
          echoes(quick, 2);
          // the second listener's 300 ms idle timeout ends its session; the first one's 10 min do
          // not
          assertThat(quick.getInputStream().read()).as("idle session closed").isEqualTo(-1);
          echoes(inheriting, 3);
          // the session is counted just after its connections close
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> proxy.listenerStats().get(1).byStatus200() == 1);
          assertThat(proxy.listenerStats().get(0).byStatus200()).isZero();
        }
        try (Socket denied = connect(proxy, 2)) {
          assertThat(denied.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeSessions() == 0);
        assertThat(proxy.listenerStats().get(2).forbidden()).isEqualTo(1);
        assertThat(
                proxy.listenerStats().get(0).forbidden() + proxy.listenerStats().get(1).forbidden())
            .isZero();
        assertThat(ownLog.toString()).isEqualTo("403 own\n");
        assertThat(sharedLog.toString().lines()).containsExactly("200 shared", "200 shared");
        assertThat(backend.accepted.get()).as("the denied client reached no backend").isEqualTo(2);

        // one event-loop group (one thread here) and one relay for all three listeners
        for (int i = 0; i < 3; i++) {
          for (Channel c : proxy.listenerChannelsForTests(i)) {
            assertThat(c.eventLoop().parent()).isSameAs(proxy.eventLoopGroupForTests());
          }
        }
        assertThat(proxy.eventLoopGroupForTests().iterator()).toIterable().hasSize(1);
      } finally {
        proxy.stop();
      }
    }
  }

  @Test
  void badSettingsSayTheAllowedRange() {
    assertThatThrownBy(() -> ListenerSettings.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> ListenerSettings.builder().idleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be >= 0");
    assertThatThrownBy(() -> ListenerSettings.builder().maxConnections(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be >= 0");
    assertThatThrownBy(() -> Proxy.builder().nextUpstreamTries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be >= 0");
  }
}
