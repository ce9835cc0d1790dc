package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Sizes and offsets as the kernel and glibc headers define them (x86_64 and arm64 agree). */
class StructsTest {

  private static byte[] hostShort(int value) {
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? new byte[] {(byte) value, (byte) (value >> 8)}
        : new byte[] {(byte) (value >> 8), (byte) value};
  }

  private static byte[] hostInt(int value) {
    byte[] big = {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? new byte[] {big[3], big[2], big[1], big[0]}
        : big;
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    return java.util.Arrays.copyOfRange(bytes, from, from + length);
  }

  @Test
  void sockaddrInIsFamilyPortAddressAndEightZeroBytes() {
    byte[] bytes = Structs.sockaddrIn(Ipv4Address.parse("224.0.0.18"), 0x1234);
    assertThat(bytes).hasSize(16);
    assertThat(slice(bytes, 0, 2)).isEqualTo(hostShort(2));
    assertThat(slice(bytes, 2, 2)).containsExactly(0x12, 0x34); // network order
    assertThat(slice(bytes, 4, 4)).containsExactly(224, 0, 0, 18);
    assertThat(slice(bytes, 8, 8)).containsOnly(0);
  }

  @Test
  void sockaddrLlHasProtocolInNetworkOrderAndIndexInHostOrder() {
    byte[] mac = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    byte[] bytes = Structs.sockaddrLl(0x0806, 7, mac);
    assertThat(bytes).hasSize(20);
    assertThat(slice(bytes, 0, 2)).isEqualTo(hostShort(17)); // AF_PACKET
    assertThat(slice(bytes, 2, 2)).containsExactly(0x08, 0x06); // __be16 sll_protocol
    assertThat(slice(bytes, 4, 4)).isEqualTo(hostInt(7)); // sll_ifindex
    assertThat(slice(bytes, 8, 2)).containsOnly(0); // sll_hatype
    assertThat(bytes[10]).isEqualTo((byte) 0); // sll_pkttype
    assertThat(bytes[11]).isEqualTo((byte) 6); // sll_halen
    assertThat(slice(bytes, 12, 6)).isEqualTo(mac);
    assertThat(slice(bytes, 18, 2)).containsOnly(0);
  }

  @Test
  void sockaddrNlIsFamilyPadPidGroups() {
    byte[] bytes = Structs.sockaddrNl(42, 0x11);
    assertThat(bytes).hasSize(12);
    assertThat(slice(bytes, 0, 2)).isEqualTo(hostShort(16));
    assertThat(slice(bytes, 2, 2)).containsOnly(0);
    assertThat(slice(bytes, 4, 4)).isEqualTo(hostInt(42));
    assertThat(slice(bytes, 8, 4)).isEqualTo(hostInt(0x11));
  }

  @Test
  void ipMreqnIsGroupLocalIndex() {
    byte[] bytes =
        Structs.ipMreqn(Ipv4Address.parse("224.0.0.18"), Ipv4Address.parse("10.200.0.11"), 3);
    assertThat(bytes).hasSize(12);
    assertThat(slice(bytes, 0, 4)).containsExactly(224, 0, 0, 18);
    assertThat(slice(bytes, 4, 4)).containsExactly(10, 200, 0, 11);
    assertThat(slice(bytes, 8, 4)).isEqualTo(hostInt(3));
  }

  @Test
  void pollfdIsFdEventsRevents() {
    byte[] bytes = Structs.pollfd(9, (short) 1);
    assertThat(bytes).hasSize(8);
    assertThat(slice(bytes, 0, 4)).isEqualTo(hostInt(9));
    assertThat(slice(bytes, 4, 2)).isEqualTo(hostShort(1));
    assertThat(Structs.pollfdRevents(bytes)).isZero();
  }

  @Test
  void cStringIsNulTerminated() {
    assertThat(Structs.cString("eth0")).containsExactly('e', 't', 'h', '0', 0);
  }

  @Test
  void sockaddrUnForAPathIsFamilyThenThePathAndItsNul() {
    byte[] bytes = Structs.sockaddrUn("/run/x.sock");
    assertThat(bytes).hasSize(2 + 11 + 1);
    assertThat(slice(bytes, 0, 2)).isEqualTo(hostShort(1)); // AF_UNIX
    assertThat(new String(slice(bytes, 2, 11), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("/run/x.sock");
    assertThat(bytes[13]).isZero();
  }

  @Test
  void sockaddrUnForAnAbstractNameIsALeadingNulAndNoTerminator() {
    byte[] bytes = Structs.sockaddrUn("@ha4j/notify");
    assertThat(bytes).hasSize(2 + 1 + 11);
    assertThat(slice(bytes, 0, 2)).isEqualTo(hostShort(1));
    assertThat(bytes[2]).isZero();
    assertThat(new String(slice(bytes, 3, 11), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("ha4j/notify");
  }

  @Test
  void sockaddrUnHoldsAt107BytesOfNameBecauseSunPathHas108() {
    assertThat(Structs.SOCKADDR_UN_SIZE).isEqualTo(110);
    assertThat(Structs.sockaddrUn("/" + "p".repeat(106))).hasSize(110);
    assertThat(Structs.sockaddrUn("@" + "a".repeat(107))).hasSize(110);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Structs.sockaddrUn("/" + "p".repeat(107)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 107 bytes, got 108");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Structs.sockaddrUn("@"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-107 bytes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Structs.sockaddrUn("/a\0b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no NUL");
  }
}
