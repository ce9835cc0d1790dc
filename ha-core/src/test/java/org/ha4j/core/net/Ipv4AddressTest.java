package org.ha4j.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

  @Test
  void parsesAndPrintsDottedQuad() {
    Ipv4Address address = Ipv4Address.parse("192.168.122.100");
    assertThat(address.bits()).isEqualTo(0xC0A87A64);
    assertThat(address).hasToString("192.168.122.100");
    assertThat(address.toBytes()).containsExactly(192 - 256, 168 - 256, 122, 100);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.-4",
        "a.b.c.d",
        "01.2.3.4",
        "1..3.4",
        "1.2.3.4 ",
        "host.example",
        "1.2.3.4/24",
        "1234.1.1.1",
        "١٠.0.0.1",
        "10.0.0.１"
      })
  void rejectsAnythingButFourDecimalOctets(String text) {
    assertThatThrownBy(() -> Ipv4Address.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void ordersAsUnsignedNetworkByteOrderNumbers() {
    // 200.x has the sign bit set as a Java int; a signed comparison would put it below 10.x.
    Ipv4Address low = Ipv4Address.parse("10.0.0.1");
    Ipv4Address high = Ipv4Address.parse("200.0.0.1");
    assertThat(high.bits()).isNegative();
    assertThat(high).isGreaterThan(low);
    assertThat(Ipv4Address.parse("10.0.0.2")).isGreaterThan(Ipv4Address.parse("10.0.0.1"));
    assertThat(Ipv4Address.parse("10.0.1.0")).isGreaterThan(Ipv4Address.parse("10.0.0.255"));
  }

  @Test
  void convertsToAndFromInetAddressAndBytes() throws Exception {
    Ipv4Address address = Ipv4Address.parse("10.200.0.11");
    assertThat(Ipv4Address.of(address.toInetAddress())).isEqualTo(address);
    byte[] buffer = new byte[6];
    address.writeTo(buffer, 2);
    assertThat(Ipv4Address.ofBytes(buffer, 2)).isEqualTo(address);
    assertThatThrownBy(() -> Ipv4Address.of(InetAddress.getByName("::1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knowsMulticast() {
    assertThat(Ipv4Address.parse("224.0.0.18").isMulticast()).isTrue();
    assertThat(Ipv4Address.parse("192.168.122.10").isMulticast()).isFalse();
  }
}
