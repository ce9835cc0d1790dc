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
 * nginx's {@code listen ... reuseport}: the listener's socket has SO_REUSEPORT, so another socket that asks for
 * it too (another process, or a second proxy during a rolling restart) binds the same port and the kernel
 * spreads new connections over both; without it the port stays exclusive.
 */
@Timeout(30)
class ListenerReusePortTest {

    private static Proxy started(int port, boolean reusePort, RelayKind relay) throws Exception {
        Upstream upstream = new Upstream("u", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse("127.0.0.1:9")));
        Proxy proxy = Proxy.builder()
                .listen(new Proxy.Listener(new InetSocketAddress("127.0.0.1", port), upstream, 511, reusePort))
                .relay(relay).ioThreads(1).build();
        proxy.start();
        return proxy;
    }

    @ParameterizedTest
    @EnumSource(RelayKind.class)
    void aReusePortListenerSharesItsPortWithAnotherReusePortSocket(RelayKind relay) throws Exception {
        Proxy proxy = started(0, true, relay);
        try (ServerSocketChannel second = ServerSocketChannel.open()) {
            int port = proxy.boundAddresses().get(0).getPort();
            second.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            second.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(second.socket().getLocalPort()).isEqualTo(port);
        } finally {
            proxy.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(RelayKind.class)
    void withoutReusePortThePortStaysExclusive(RelayKind relay) throws Exception {
        Proxy proxy = started(0, false, relay);
        try (ServerSocketChannel second = ServerSocketChannel.open()) {
            int port = proxy.boundAddresses().get(0).getPort();
            second.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            assertThatThrownBy(() -> second.bind(new InetSocketAddress("127.0.0.1", port))).isInstanceOf(BindException.class);
        } finally {
            proxy.stop();
        }
    }
}
