package org.ha4j.health.os;

import java.nio.file.Path;

/** A pid file path that exists but cannot be read as a pid file: a configuration error, named. */
public final class UnreadablePidFileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient Path path;

  public UnreadablePidFileException(Path path, String why) {
    super("unreadable pid file " + path + ": " + why);
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
