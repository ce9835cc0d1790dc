package org.ha4j.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a configuration file into text, bounded: the loaders' only way from a path to characters.
 *
 * <p>Bounded in size, because a mistaken {@code /dev/zero} or a runaway generator must end in an
 * error naming the file, not in an {@link OutOfMemoryError} seconds later. Regular files only,
 * because opening a FIFO blocks until some writer appears and a device may never end: neither nginx
 * (which reads up to the size {@code fstat} reports, 0 for both) nor keepalived gives such a file a
 * useful meaning.
 */
public final class ConfigFiles {

  /**
   * 16 MiB. The largest real nginx or keepalived files are well under a megabyte (the reference
   * deployment's are under 2 KiB), and the parsed form of 16 MiB still fits a small heap.
   */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  private ConfigFiles() {}

  /**
   * The file's text, decoded by {@link ConfigText#decode} (bytes that are not UTF-8 kept as markers
   * for the parser to judge).
   *
   * @throws ConfigException naming the file when it is not a regular file or is larger than {@link
   *     #MAX_BYTES}
   * @throws IOException when it cannot be read at all (missing, no permission)
   */
  public static String read(Path file) throws IOException, ConfigException {
    return read(file, MAX_BYTES);
  }

  static String read(Path file, int maxBytes) throws IOException, ConfigException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw problem(
          file,
          1,
          "not a regular file ("
              + kind(attributes)
              + "): ha4j reads configuration "
              + "only from regular files, since a device or FIFO may block or never end");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // One byte past the limit tells "exactly at the limit" from "larger", without reading on.
      bytes = in.readNBytes(maxBytes + 1);
    }
    if (bytes.length > maxBytes) {
      throw problem(
          file,
          lineCount(bytes, maxBytes),
          "config file larger than "
              + describe(maxBytes)
              + ": not read further; is this the right file?");
    }
    return ConfigText.decode(bytes);
  }

  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    return attributes.isOther() ? "a device, FIFO or socket" : "a special file";
  }

  /**
   * The line on which the limit was reached, so the error points where the file became too large.
   */
  private static int lineCount(byte[] bytes, int upTo) {
    int line = 1;
    for (int i = 0; i < upTo; i++) {
      if (bytes[i] == '\n' && line < Integer.MAX_VALUE) {
        line++;
      }
    }
    return line;
  }

  private static String describe(int bytes) {
    return bytes % (1024 * 1024) == 0
        ? bytes / (1024 * 1024) + " MiB (" + bytes + " bytes)"
        : bytes + " bytes";
  }

  private static ConfigException problem(Path file, int line, String message) {
    return new ConfigException(
        new ConfigProblem(
            ConfigProblem.Severity.ERROR, new ConfigLocation(file.toString(), line), "", message));
  }
}
