package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

  @Test
  void aFifoWithNoWriterIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("config.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> ConfigFiles.read(fifo))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(fifo + ":1: error: not a regular file"));
  }

  @Test
  void aDirectoryIsRefusedByName(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigFiles.read(dir))
        .hasMessageContaining("not a regular file (a directory)");
  }

  @Test
  void aMissingFileIsAnIoErrorNamingIt(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigFiles.read(dir.resolve("absent.conf")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent.conf");
  }

  @Test
  void aFileExactlyAtTheLimitLoadsAndOneByteMoreDoesNot(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.conf");
    Files.writeString(file, "a\nb\nc\n");
    assertThat(ConfigFiles.read(file, 6)).isEqualTo("a\nb\nc\n");
    assertThatThrownBy(() -> ConfigFiles.read(file, 5))
        .hasMessage(
            file
                + ":3: error: config file larger than 5 bytes: not read further; "
                + "is this the right file?");
  }

  @Test
  void symlinksAreFollowed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("real.conf"), "x;\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.conf"), file);
    assertThat(ConfigFiles.read(link)).isEqualTo("x;\n");
  }
}
