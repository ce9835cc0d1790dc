package org.ha4j.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A {@code --pidfile}: this process's PID, written so that no reader ever sees half a file and a
 * symlink planted at the path is replaced, never followed (writing through it would truncate
 * whatever it points at, as root). The PID goes to a fresh file in the same directory, which is
 * then renamed over the path: rename(2) replaces the directory entry itself, atomically.
 */
final class PidFile implements AutoCloseable {

  private final Path path;
  private final String content;

  private PidFile(Path path, String content) {
    this.path = path;
    this.content = content;
  }

  static PidFile write(Path path) throws IOException {
    Path absolute = path.toAbsolutePath();
    String content = ProcessHandle.current().pid() + "\n";
    Path temporary =
        Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temporary, content, StandardCharsets.US_ASCII);
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return new PidFile(absolute, content);
  }

  Path path() {
    return path;
  }

  /**
   * Removes the file if it still holds this PID: a file that another process has since written is
   * theirs. Never throws: this runs on the way out, where nothing else can be done about a failure.
   */
  @Override
  public void close() {
    try {
      if (!Files.isSymbolicLink(path)
          && Files.isRegularFile(path)
          && Files.readString(path, StandardCharsets.US_ASCII).equals(content)) {
        Files.delete(path);
      }
    } catch (IOException e) {
      System.err.println("ha4j: cannot remove pid file " + path + ": " + e.getMessage());
    }
  }
}
