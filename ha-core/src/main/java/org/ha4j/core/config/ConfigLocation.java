package org.ha4j.core.config;

import java.util.Objects;

/**
 * Where a statement came from, printed as {@code file:line} so an error can be found in an editor.
 *
 * @param file the file name as the user gave it (or a label such as {@code <string>})
 * @param line 1-based line number
 */
public record ConfigLocation(String file, int line) {

  public ConfigLocation {
    Objects.requireNonNull(file, "file");
    if (line < 1) {
      throw new IllegalArgumentException("line must be >= 1, got " + line);
    }
  }

  @Override
  public String toString() {
    return file + ":" + line;
  }
}
