package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigTextTest {

  @Test
  void validUtf8DecodesAsItself() {
    String text = "#注释 ✓ 𝄞\nstate MASTER\n";
    assertThat(ConfigText.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
  }

  @Test
  void eachByteThatIsNotUtf8BecomesOneMarker() {
    byte[] gbk = "网卡".getBytes(Charset.forName("GBK"));
    String decoded = ConfigText.decode(gbk);
    assertThat(decoded).hasSize(gbk.length);
    for (int i = 0; i < gbk.length; i++) {
      assertThat(ConfigText.isUndecodable(decoded.charAt(i))).isTrue();
      assertThat(ConfigText.undecodableByte(decoded.charAt(i))).isEqualTo(gbk[i] & 0xff);
    }
    // A truncated sequence at the end, and one between valid text.
    assertThat(ConfigText.decode(new byte[] {'a', (byte) 0xE6, (byte) 0xB3, 'b'}))
        .isEqualTo("a\uDCE6\uDCB3b");
  }

  @Test
  void echoQuotesShortTokensWholeAndLongOnesCapped() {
    assertThat(ConfigText.echo("listen")).isEqualTo("listen");
    assertThat(ConfigText.echo("x".repeat(64))).isEqualTo("x".repeat(64));
    assertThat(ConfigText.echo("x".repeat(65))).isEqualTo("x".repeat(64) + "…(65 bytes)");
    assertThat(ConfigText.echo("注".repeat(100))).isEqualTo("注".repeat(64) + "…(300 bytes)");
    assertThat(ConfigText.echo("a\u0000b\u001b\uDCC4")).isEqualTo("a\\x00b\\x1B\\xC4");
  }
}
