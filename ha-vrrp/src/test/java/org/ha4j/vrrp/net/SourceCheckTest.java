package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The checks only the transport can make: who sent an advert the codec already accepted. */
class SourceCheckTest {

  private static final TransportConfig MULTICAST =
      new TransportConfig("eth0", 2, Ipv4Address.parse("10.200.0.11"), List.of());
  private static final TransportConfig UNICAST =
      new TransportConfig(
          "eth0", 2, Ipv4Address.parse("10.200.0.11"), List.of(Ipv4Address.parse("10.200.0.12")));

  @Test
  void ourOwnLoopedBackAdvertIsDropped() {
    assertThat(VrrpTransport.checkSource(MULTICAST, Ipv4Address.parse("10.200.0.11")))
        .isEqualTo(TransportRejection.OWN_ADVERTISEMENT);
  }

  @Test
  void multicastHearsAnyOtherRouter() {
    assertThat(VrrpTransport.checkSource(MULTICAST, Ipv4Address.parse("10.200.0.99"))).isNull();
  }

  @Test
  void unicastHearsItsPeersOnlyLikeKeepalivedsCheckUnicastSrc() {
    assertThat(VrrpTransport.checkSource(UNICAST, Ipv4Address.parse("10.200.0.12"))).isNull();
    assertThat(VrrpTransport.checkSource(UNICAST, Ipv4Address.parse("10.200.0.99")))
        .isEqualTo(TransportRejection.NOT_A_PEER);
  }
}
