package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * nginx's {@code listen ... reuseport}: with it, another socket that asks for SO_REUSEPORT too (a
 * second proxy during a rolling restart) binds the same port and the kernel spreads new connections
 * over both; without it the port is exclusive, as under nginx, even though on epoll the proxy
 * itself binds one SO_REUSEPORT socket per event loop.
 */
@Timeout(30)
class ListenerReusePortTest {

  private static Proxy started(int port, boolean reusePort, RelayKind relay) throws Exception {
    Upstream upstream =
        new Upstream(
            "u", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse("127.0.0.1:9")));
    Proxy proxy =
        Proxy.builder()
            .listen(
                new Proxy.Listener(
                    new InetSocketAddress("127.0.0.1", port), upstream, 511, reusePort))
            .relay(relay)
            .ioThreads(2)
            .build();
    proxy.start();
    return proxy;
  }

  @ParameterizedTest
  @EnumSource(RelayKind.class)
  void reusePortListenersShareTheirPort(RelayKind relay) throws Exception {
    Proxy first = started(0, true, relay);
    int port = first.boundAddresses().get(0).getPort();
    try (ServerSocketChannel other = ServerSocketChannel.open()) {
      Proxy second = started(port, true, relay);
      second.stop();
      other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      other.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(other.socket().getLocalPort()).isEqualTo(port);
    } finally {
      first.stop();
    }
  }

  @ParameterizedTest
  @EnumSource(RelayKind.class)
  void withoutReusePortASecondListenerOnThePortFailsAsUnderNginx(RelayKind relay) throws Exception {
    Proxy first = started(0, false, relay);
    int port = first.boundAddresses().get(0).getPort();
    try (ServerSocketChannel plain = ServerSocketChannel.open()) {
      assertThatThrownBy(() -> started(port, false, relay)).isInstanceOf(BindException.class);
      assertThatThrownBy(() -> plain.bind(new InetSocketAddress("127.0.0.1", port)))
          .isInstanceOf(BindException.class);
    } finally {
      first.stop();
    }
  }
}
