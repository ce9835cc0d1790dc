package org.ha4j.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({
    "10.200.0.1, 10.200.0.1",
    "::1, ::1",
    "0:0:0:0:0:0:0:1, ::1",
    "::, ::",
    "FD00:0200:0:0:0:0:0:0001, fd00:200::1",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
    "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
    "1::, 1::",
    "::ffff:10.0.0.1, ::ffff:10.0.0.1",
    "::ffff:a00:1, ::ffff:10.0.0.1",
    "::10.0.0.1, ::10.0.0.1",
    "::2, ::2",
    "fe80::1, fe80::1",
  })
  void writesAddressesAsNginxDoes(String text, String expected) {
    assertThat(IpAddress.parse(text)).hasToString(expected);
  }

  @Test
  void keepsTheFamilyAsWritten() {
    assertThat(IpAddress.parse("10.0.0.1").isIpv4()).isTrue();
    IpAddress mapped = IpAddress.parse("::ffff:10.0.0.1");
    assertThat(mapped.isIpv6()).isTrue();
    assertThat(mapped.isIpv4Mapped()).isTrue();
    assertThat(mapped.unmapped()).isEqualTo(IpAddress.parse("10.0.0.1"));
    assertThat(IpAddress.parse("::1").unmapped()).isEqualTo(IpAddress.parse("::1"));
    assertThat(IpAddress.parse("::10.0.0.1").isIpv4Mapped()).isFalse();
  }

  @Test
  void convertsFromAndToInetAddress() throws Exception {
    assertThat(IpAddress.of(InetAddress.getByName("::1"))).hasToString("::1");
    assertThat(IpAddress.of(InetAddress.getByName("fe80::1%1"))).hasToString("fe80::1");
    assertThat(IpAddress.parse("fd00:200::5").toInetAddress())
        .isEqualTo(InetAddress.getByName("fd00:200::5"));
    assertThat(IpAddress.parse("::1").toUriHost()).isEqualTo("[::1]");
    assertThat(IpAddress.parse("10.0.0.1").toUriHost()).isEqualTo("10.0.0.1");
    assertThat(IpAddress.parse("::1"))
        .isEqualTo(IpAddress.parse("0::1"))
        .hasSameHashCodeAs(IpAddress.parse("0::1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "10.0.0",
        "10.0.0.256",
        "1:2:3",
        ":::1",
        "1::2::3",
        "[::1]",
        "fe80::1%eth0",
        "12345::1",
        "g::1"
      })
  void rejectsWhatIsNotALiteral(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void rejectsWrongByteCounts() {
    assertThatThrownBy(() -> IpAddress.ofBytes(new byte[5])).hasMessageContaining("4 or 16 bytes");
  }
}
