package org.ha4j.examples.cli;

import java.nio.file.Path;
import org.ha4j.proxy.RelayKind;
import picocli.CommandLine.Option;

/** Flags that mean the same in several commands, declared once so they read the same in each. */
final class SharedFlags {

  private SharedFlags() {}

  /** {@code --pidfile F} of the commands that run until stopped. */
  static final class PidFileFlag {
    @Option(
        names = "--pidfile",
        paramLabel = "F",
        description = "Write the process id to F while running (default: none).")
    Path pidfile;
  }

  /** {@code --relay} of the commands that run a proxy. */
  static final class RelayFlag {
    @Option(
        names = "--relay",
        paramLabel = "splice|copy|auto",
        defaultValue = "splice",
        description =
            "How the proxy relays bytes: splice(2), a copy, or splice where available (default:"
                + " ${DEFAULT-VALUE}).")
    RelayKind relay;
  }
}
