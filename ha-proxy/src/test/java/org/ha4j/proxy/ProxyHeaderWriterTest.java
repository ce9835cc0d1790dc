package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header {@code proxy_protocol on} sends, for each pair of address families. */
class ProxyHeaderWriterTest {

  private static String v1(InetSocketAddress client, InetSocketAddress server) {
    HAProxyMessage header = ProxyHeaderWriter.header(ProxyProtocol.V1, client, server);
    EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    encoder.writeOutbound(header);
    ByteBuf bytes = encoder.readOutbound();
    try {
      return bytes.toString(StandardCharsets.US_ASCII);
    } finally {
      bytes.release();
      encoder.finishAndReleaseAll();
    }
  }

  @Test
  void writesTheClientAndTheAddressItConnectedToAsNginxDoes() {
    assertThat(
            v1(new InetSocketAddress("192.0.2.7", 40001), new InetSocketAddress("10.0.0.1", 8080)))
        .isEqualTo("PROXY TCP4 192.0.2.7 10.0.0.1 40001 8080\r\n");
    assertThat(
            v1(
                new InetSocketAddress("2001:db8:0:0:0:0:0:7", 40002),
                new InetSocketAddress("::1", 8080)))
        .isEqualTo("PROXY TCP6 2001:db8::7 ::1 40002 8080\r\n");
  }

  @Test
  void anIpv4ClientOnAnIpv6ListenerGoesOutMappedAsTcp6() {
    HAProxyMessage header =
        ProxyHeaderWriter.header(
            ProxyProtocol.V2,
            new InetSocketAddress("192.0.2.7", 40001),
            new InetSocketAddress("2001:db8::1", 8080));
    try {
      assertThat(header.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP6);
      assertThat(header.sourceAddress()).isEqualTo("::ffff:192.0.2.7");
    } finally {
      header.release();
    }
  }

  @Test
  void offHasNoHeader() {
    InetSocketAddress a = new InetSocketAddress("192.0.2.7", 1);
    assertThatThrownBy(() -> ProxyHeaderWriter.header(ProxyProtocol.OFF, a, a))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
