package org.ha4j.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4CidrTest {

  @Test
  void plainAddressIsAHostRoute() {
    Ipv4Cidr vip = Ipv4Cidr.parse("192.168.122.100");
    assertThat(vip.prefixLength()).isEqualTo(32);
    assertThat(vip).hasToString("192.168.122.100/32");
  }

  @Test
  void keepsHostBitsButMatchesByNetwork() {
    Ipv4Cidr cidr = Ipv4Cidr.parse("10.200.0.5/24");
    assertThat(cidr.address()).isEqualTo(Ipv4Address.parse("10.200.0.5"));
    assertThat(cidr.contains(Ipv4Address.parse("10.200.0.250"))).isTrue();
    assertThat(cidr.contains(Ipv4Address.parse("10.200.1.1"))).isFalse();
    assertThat(Ipv4Cidr.parse("0.0.0.0/0").contains(Ipv4Address.parse("203.0.113.9"))).isTrue();
    assertThat(Ipv4Cidr.parse("10.0.0.1/32").contains(Ipv4Address.parse("10.0.0.2"))).isFalse();
  }

  @Test
  void rejectsBadPrefixes() {
    assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.0/33")).hasMessageContaining("0-32");
    assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.0/")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.0/-1")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0/8")).hasMessageContaining("IPv4");
  }

  @Test
  void nonAsciiDigitsAreNotAPrefixLength() {
    // Integer.parseInt("٢٤") is 24; keepalived and nginx reject the text.
    assertThatThrownBy(() -> Ipv4Cidr.parse("192.168.122.100/٢٤"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a prefix length (expected 0-32) in '192.168.122.100/٢٤'");
    assertThatThrownBy(() -> Ipv4Cidr.parse("192.168.122.100/２４"))
        .hasMessageContaining("prefix length");
    assertThatThrownBy(() -> Ipv4Cidr.parse("١٩٢.168.122.100/24")).hasMessageContaining("IPv4");
  }
}
