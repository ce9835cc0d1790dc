package org.ha4j.examples.cli;

import java.net.InetSocketAddress;
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
        defaultValue = "auto",
        description =
            "How the proxy relays bytes: splice(2), a copy, or a copy that moves to splice(2)"
                + " once a session streams (default: ${DEFAULT-VALUE}).")
    RelayKind relay;
  }

  /**
   * What an operator reaches in a running {@code run}, {@code proxy} or {@code node}: the status
   * port, and the files {@code USR1} and {@code USR2} write.
   */
  static final class OperationsFlags {
    @Option(
        names = "--status-listen",
        paramLabel = "ADDR:PORT",
        converter = CliTypes.StatusAddressConverter.class,
        description =
            "Serve /metrics (Prometheus text) and /status (the state, JSON) over HTTP at IP:PORT,"
                + " *:PORT, or PORT alone for 127.0.0.1:PORT: metrics are not for the whole network"
                + " unasked; 0 takes a free port, printed at start (default: none; ./ha4j status"
                + " reads 127.0.0.1:"
                + StatusCommand.DEFAULT_PORT
                + ").")
    InetSocketAddress statusListen;

    @Option(
        names = "--state-file",
        paramLabel = "F",
        defaultValue = "/tmp/ha4j.data",
        description =
            "Where SIGUSR1 writes the state, as /status serves it (keepalived's"
                + " /tmp/keepalived.data), replaced by rename (default: ${DEFAULT-VALUE}).")
    Path stateFile;

    @Option(
        names = "--stats-file",
        paramLabel = "F",
        defaultValue = "/tmp/ha4j.stats",
        description =
            "Where SIGUSR2 writes the metrics, as /metrics serves them (keepalived's"
                + " /tmp/keepalived.stats), replaced by rename (default: ${DEFAULT-VALUE}).")
    Path statsFile;
  }
}
