package org.ha4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells the launcher ({@code dist/bin/ha4j}) that this process started what it was asked to run.
 * The launcher's first start of a command writes a class-data archive when the JVM exits; only an
 * archive whose run got this far holds the classes a start needs, so the launcher keeps only those
 * (docs/vrrp.md, "JVM settings"). Without the launcher's property it does nothing.
 */
final class StartedMark {

  /** The file the launcher asks for; see {@code cds_setup} in {@code dist/bin/ha4j}. */
  static final String PROPERTY = "ha4j.cds.started";

  private StartedMark() {}

  /**
   * Creates the launcher's file, if it asked for one; a cache that cannot be written is no error.
   */
  static void started() {
    String file = System.getProperty(PROPERTY);
    if (file == null || file.isEmpty()) {
      return;
    }
    try {
      Files.write(Path.of(file), new byte[0]);
    } catch (IOException | RuntimeException e) {
      // without the mark the launcher throws this archive away and the next start writes one
    }
  }
}
