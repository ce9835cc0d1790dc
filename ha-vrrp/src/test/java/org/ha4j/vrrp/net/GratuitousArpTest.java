package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class GratuitousArpTest {

  @Test
  void isABroadcastArpRequestWithSenderAndTargetIpBothTheVip() {
    byte[] mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    byte[] frame = GratuitousArp.frame(mac, Ipv4Address.parse("10.200.0.100"));
    assertThat(frame).hasSize(42);
    assertThat(Arrays.copyOfRange(frame, 0, 6)).containsOnly(0xff);
    assertThat(Arrays.copyOfRange(frame, 6, 12)).isEqualTo(mac);
    assertThat(Arrays.copyOfRange(frame, 12, 22))
        .containsExactly(0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1);
    assertThat(Arrays.copyOfRange(frame, 22, 28)).isEqualTo(mac);
    assertThat(Arrays.copyOfRange(frame, 28, 32)).containsExactly(10, 200, 0, 100);
    assertThat(Arrays.copyOfRange(frame, 32, 38)).containsOnly(0xff);
    assertThat(Arrays.copyOfRange(frame, 38, 42)).containsExactly(10, 200, 0, 100);
  }
}
