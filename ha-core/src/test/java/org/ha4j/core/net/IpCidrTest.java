package org.ha4j.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpCidrTest {

  @Test
  void bareAddressesAreHostRoutes() {
    assertThat(IpCidr.parse("10.0.0.1")).hasToString("10.0.0.1/32");
    assertThat(IpCidr.parse("::1")).hasToString("::1/128");
  }

  @Test
  void matchesByNetworkWithinOneFamily() {
    IpCidr v6 = IpCidr.parse("fd00:200::/64");
    assertThat(v6.contains(IpAddress.parse("fd00:200::17"))).isTrue();
    assertThat(v6.contains(IpAddress.parse("fd00:200:0:1::17"))).isFalse();
    assertThat(IpCidr.parse("fd00:200::/63").contains(IpAddress.parse("fd00:200:0:1::17")))
        .isTrue();
    assertThat(IpCidr.parse("::/0").contains(IpAddress.parse("2001:db8::1"))).isTrue();
    assertThat(IpCidr.parse("10.0.0.0/8").contains(IpAddress.parse("10.255.0.1"))).isTrue();
    assertThat(IpCidr.parse("10.0.0.0/9").contains(IpAddress.parse("10.128.0.1"))).isFalse();
    assertThat(IpCidr.parse("10.0.0.5/32").contains(IpAddress.parse("10.0.0.5"))).isTrue();
  }

  @Test
  void neverMatchesTheOtherFamily() {
    assertThat(IpCidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1"))).isFalse();
    assertThat(IpCidr.parse("::/0").contains(IpAddress.parse("127.0.0.1"))).isFalse();
    // a mapped address is IPv6 until the caller unmaps it
    assertThat(IpCidr.parse("10.0.0.0/8").contains(IpAddress.parse("::ffff:10.0.0.1"))).isFalse();
    assertThat(IpCidr.parse("10.0.0.0/8").contains(IpAddress.parse("::ffff:10.0.0.1").unmapped()))
        .isTrue();
  }

  @Test
  void knowsWhenHostBitsAreSet() {
    assertThat(IpCidr.parse("10.0.0.1/8").hasHostBits()).isTrue();
    assertThat(IpCidr.parse("10.0.0.0/8").hasHostBits()).isFalse();
    assertThat(IpCidr.parse("fd00:200::1/64").hasHostBits()).isTrue();
  }

  @Test
  void rejectsBadPrefixes() {
    assertThatThrownBy(() -> IpCidr.parse("10.0.0.0/33")).hasMessageContaining("0-32");
    assertThatThrownBy(() -> IpCidr.parse("::/129")).hasMessageContaining("0-128");
    assertThatThrownBy(() -> IpCidr.parse("::/")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> IpCidr.parse("::/-1")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> IpCidr.parse("::/1234")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> IpCidr.parse("all")).hasMessageContaining("'all'");
  }
}
