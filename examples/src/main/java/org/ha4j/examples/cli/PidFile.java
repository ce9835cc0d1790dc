package org.ha4j.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code --pidfile}: this process's PID, written by {@link FileByRename} (no reader sees half a
 * PID, a planted symlink is replaced, never followed) and removed on the way out.
 */
final class PidFile implements AutoCloseable {

  private final Path path;
  private final String content;

  private PidFile(Path path, String content) {
    this.path = path;
    this.content = content;
  }

  static PidFile write(Path path) throws IOException {
    String content = ProcessHandle.current().pid() + "\n";
    return new PidFile(FileByRename.write(path, content), content);
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
