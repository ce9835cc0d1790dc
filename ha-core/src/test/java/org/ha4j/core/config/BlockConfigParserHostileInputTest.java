package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.config.BlockConfigParser.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files no one should write, which must still end in a named error (file:line), never a crash. */
class BlockConfigParserHostileInputTest {

  private static final Charset GBK = Charset.forName("GBK");

  @Test
  void thousandsOfNestedBlocksAreANamedErrorNotAStackOverflow() {
    String nested = "a {\n".repeat(5_000);
    for (Dialect dialect : Dialect.values()) {
      assertThatThrownBy(() -> BlockConfigParser.parse("deep.conf", nested, dialect))
          .isInstanceOf(ConfigException.class)
          .hasMessage("deep.conf:65: error: 'a' opens a block nested deeper than 64 levels");
    }
  }

  @Test
  void sixtyFourLevelsStillLoad() throws Exception {
    String nested =
        "a {\n".repeat(BlockConfigParser.MAX_DEPTH) + "}\n".repeat(BlockConfigParser.MAX_DEPTH);
    List<ConfigStatement> top = BlockConfigParser.parse("deep.conf", nested, Dialect.KEEPALIVED);
    int depth = 0;
    for (List<ConfigStatement> level = top; !level.isEmpty(); level = level.get(0).block()) {
      depth++;
    }
    assertThat(depth).isEqualTo(BlockConfigParser.MAX_DEPTH);
  }

  @Test
  void gbkCommentsLoadAsBothToolsLoadThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keepalived.conf");
    write(
        file, "vrrp_instance VI_1 {   #", gbk("修改vrrp_instance中注释的部分"), "\n    state MASTER\n}\n");

    List<ConfigStatement> top = BlockConfigParser.parse(file, Dialect.KEEPALIVED);

    assertThat(top.get(0).children("state").get(0).args()).containsExactly("MASTER");
  }

  @Test
  void gbkInAQuotedStringLoadsWithReplacementCharacters(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nginx.conf");
    write(file, "log_format main '", gbk("网"), " $status';\n");

    List<ConfigStatement> top = BlockConfigParser.parse(file, Dialect.NGINX);

    assertThat(top.get(0).args()).containsExactly("main", "\uFFFD\uFFFD $status");
  }

  @Test
  void gbkInAKeywordOrValueIsANamedErrorWithItsLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keepalived.conf");
    write(file, "#", gbk("注释"), "\nvrrp_instance VI_1 {\n    interface ", gbk("网卡"), "\n}\n");

    assertThatThrownBy(() -> BlockConfigParser.parse(file, Dialect.KEEPALIVED))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ":3: error: byte 0xCD in '\\xCD\\xF8\\xBF\\xA8' is not UTF-8: ha4j reads config "
                + "files as UTF-8 and accepts other encodings only in comments and quoted strings; "
                + "save the file as UTF-8");
  }

  @Test
  void devZeroIsANamedErrorWithinASecond() {
    ConfigException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                catchConfigException(
                    () -> BlockConfigParser.parse(Path.of("/dev/zero"), Dialect.NGINX)));
    assertThat(e)
        .hasMessageStartingWith(
            "/dev/zero:1: error: not a regular file (a device, FIFO or socket)");
  }

  @Test
  void aFileLargerThanTheCapIsANamedError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.conf");
    try (var out =
        java.nio.channels.FileChannel.open(
            file,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap("listen 80;\n".getBytes(StandardCharsets.US_ASCII)));
      out.truncate(ConfigFiles.MAX_BYTES + 1L);
      out.position(ConfigFiles.MAX_BYTES);
      out.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
    }

    assertThatThrownBy(() -> BlockConfigParser.parse(file, Dialect.NGINX))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ":2: error: config file larger than 16 MiB (16777216 bytes): not read further; "
                + "is this the right file?");
  }

  @Test
  void aMegabyteTokenIsQuotedShortInTheError() {
    String token = "x".repeat(1 << 20);
    assertThatThrownBy(() -> BlockConfigParser.parse("n.conf", token, Dialect.NGINX))
        .hasMessage(
            "n.conf:1: error: '"
                + "x".repeat(64)
                + "…(1048576 bytes)' is missing its terminating ';'");
  }

  private static ConfigException catchConfigException(ThrowingRunnable action) {
    try {
      action.run();
    } catch (ConfigException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ConfigException, got " + e, e);
    }
    throw new AssertionError("expected a ConfigException, the file loaded");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static byte[] gbk(String text) {
    return text.getBytes(GBK);
  }

  private static void write(Path file, Object... parts) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Object part : parts) {
      bytes.write(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
    }
    Files.write(file, bytes.toByteArray());
  }
}
