package org.ha4j.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file that other programs read while ha4j runs (the pid file, the state and stats dumps)
 * so that no reader ever sees half of it and a symlink planted at the path is replaced, never
 * followed (writing through it would truncate whatever it points at, as root). The text goes to a
 * fresh file in the same directory, which is then renamed over the path: rename(2) replaces the
 * directory entry itself, atomically.
 */
final class FileByRename {

  private FileByRename() {}

  /**
   * Replaces {@code path} with {@code text} (UTF-8).
   *
   * @return the absolute path written
   * @throws IOException the directory is missing or not writable; nothing is left behind
   */
  static Path write(Path path, String text) throws IOException {
    Path absolute = path.toAbsolutePath();
    Path temporary =
        Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return absolute;
  }
}
