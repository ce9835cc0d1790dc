package org.ha4j.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InternetChecksumTest {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void theWorkedExampleOfRfc1071() {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), so the checksum is
    // 220d.
    byte[] data = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    assertThat(InternetChecksum.foldedSum(data, 0, data.length)).isEqualTo(0xddf2);
    assertThat(InternetChecksum.compute(data, 0, data.length)).isEqualTo(0x220d);
  }

  @Test
  void theCarryIsFoldedUntilNoneIsLeft() {
    // ffff + ffff + 0001 = 1ffff; one fold gives 10000, which carries again: the answer is 0001.
    byte[] data = bytes(0xff, 0xff, 0xff, 0xff, 0x00, 0x01);
    assertThat(InternetChecksum.foldedSum(data, 0, data.length)).isEqualTo(0x0001);
    assertThat(InternetChecksum.compute(data, 0, data.length)).isEqualTo(0xfffe);
  }

  @Test
  void anOddLastByteIsPaddedWithZero() {
    assertThat(InternetChecksum.foldedSum(bytes(0x12, 0x34, 0x56), 0, 3))
        .isEqualTo(0x1234 + 0x5600);
  }

  @Test
  void bothZerosVerifyInTheChecksumField() {
    // The data sums to ffff, so the computed checksum is 0000; ffff in the field is the same value.
    byte[] computed = bytes(0xff, 0xff, 0x00, 0x00);
    assertThat(InternetChecksum.compute(computed, 0, 2)).isEqualTo(0x0000);
    assertThat(InternetChecksum.verifies(computed, 0, 4)).isTrue();
    assertThat(InternetChecksum.verifies(bytes(0xff, 0xff, 0xff, 0xff), 0, 4)).isTrue();
    assertThat(InternetChecksum.verifies(bytes(0xff, 0xff, 0x00, 0x01), 0, 4)).isFalse();
  }

  @Test
  void theExpectedValueIgnoresWhatTheFieldHolds() {
    byte[] packet = TestPackets.seedMaster();
    packet[26] = 0x12;
    packet[27] = 0x34;
    assertThat(InternetChecksum.expected(packet, 20, 20, 26)).isEqualTo(0x0c3b);
    assertThat(InternetChecksum.expected(packet, 0, 20, 10)).isEqualTo(0xcfbf);
  }

  @Test
  void offsetsAreRespected() {
    byte[] data = bytes(0xaa, 0x00, 0x01, 0xf2, 0x03, 0xbb);
    assertThat(InternetChecksum.foldedSum(data, 1, 4)).isEqualTo(0x0001 + 0xf203);
  }
}
