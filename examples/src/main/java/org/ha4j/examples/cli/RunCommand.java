package org.ha4j.examples.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigException;
import org.ha4j.node.HaNode;
import org.ha4j.node.NodeOptions;
import org.ha4j.node.SystemdNotifier;
import org.ha4j.node.metrics.HealthMetrics;
import org.ha4j.node.metrics.ProxyMetrics;
import org.ha4j.node.metrics.VrrpMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ha4j run --keepalived FILE --nginx FILE}: the reference deployment's load balancer
 * (keepalived + nginx) as one process, from the two files as they are.
 *
 * <p>stdout has one line per event ({@code STATE}, {@code PRIORITY}, {@code PROXY}, {@code
 * STARTED}, {@code STOPPED}); SIGTERM or Ctrl-C stops gracefully (priority-0 advertisement, VIPs
 * removed, then the proxy drains, then the pid file goes) and exits 0; USR1 reopens the access logs
 * and dumps the state, USR2 dumps the stats, HUP reads both files again and applies what changed
 * without a VRRP transition or a refused connection ({@link ReloadOnHangup}; a file with errors
 * changes nothing). Under systemd ({@code Type=notify}) READY=1 follows the start, RELOADING=1 and
 * READY=1 surround a reload, and STOPPING=1 begins the stop. With {@code --console} commands are
 * read from stdin, one per line: {@code proxy stop}, {@code proxy start} (the seed's {@code
 * systemctl stop/start nginx}), {@code status}, {@code stop}; end of input stops the node too, so a
 * node never outlives the program that drives it.
 */
@Command(
    name = "run",
    description =
        "Run a load-balancer node (VRRP + proxy) from a keepalived.conf and an nginx.conf, until"
            + " SIGTERM or Ctrl-C.",
    footer = {
      "%nThe files are loaded as ./ha4j check loads them; a file it refuses is not run (exit 1)."
    })
final class RunCommand extends CliCommand {

  private final InputStream console;

  @Option(
      names = "--keepalived",
      required = true,
      paramLabel = "FILE",
      description = "The keepalived.conf: its vrrp_instances and vrrp_scripts.")
  private Path keepalivedConf;

  @Option(
      names = "--nginx",
      required = true,
      paramLabel = "FILE",
      description = "The nginx.conf: its stream {} block.")
  private Path nginxConf;

  @Option(
      names = "--proxy-health-replaces",
      paramLabel = "SCRIPT_NAME",
      description =
          "Do not run this vrrp_script (e.g. check_nginx): the proxy's own health replaces it;"
              + " repeatable (default: every script runs).")
  private List<String> proxyHealthReplaces = List.of();

  @Mixin private SharedFlags.RelayFlag relayFlag = new SharedFlags.RelayFlag();

  @Option(
      names = "--drain-timeout",
      paramLabel = "T",
      defaultValue = "5s",
      description =
          "On stop, how long open sessions may finish, 0-1h, "
              + CliTypes.DURATION_FORMS
              + " (default: ${DEFAULT-VALUE}).")
  private Duration drainTimeout;

  @Mixin private SharedFlags.PidFileFlag pidFlag = new SharedFlags.PidFileFlag();

  @Mixin private SharedFlags.OperationsFlags operationsFlags = new SharedFlags.OperationsFlags();

  @Option(
      names = "--console",
      description =
          "Read commands from stdin: proxy stop, proxy start, status, stop; end of input stops"
              + " the node (default: no console).")
  private boolean withConsole;

  RunCommand() {
    this(System.in);
  }

  RunCommand(InputStream console) {
    this.console = console;
  }

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    for (Path file : List.of(keepalivedConf, nginxConf)) {
      if (!Files.isReadable(file)) {
        throw new UsageException("cannot read " + file);
      }
    }
    Duration drain =
        CliTypes.within(drainTimeout, "--drain-timeout", Duration.ZERO, Duration.ofHours(1));
    Set<String> replaced = new LinkedHashSet<>(proxyHealthReplaces);
    PrintStream events = new PrintStream(out, true, StandardCharsets.UTF_8);
    HaNode node;
    try {
      node =
          HaNode.fromFiles(
              keepalivedConf,
              nginxConf,
              new NodeOptions(
                  replaced,
                  relayFlag.relay,
                  drain,
                  line -> {
                    synchronized (events) {
                      events.println(line);
                    }
                  }));
    } catch (ConfigException e) {
      e.problems().forEach(p -> err.println(p));
      err.println(
          "ha4j run: " + keepalivedConf + " / " + nginxConf + " not loaded (see ./ha4j check)");
      return Ha4jCommandLine.EXIT_FAILURE;
    }
    events.println("ha4j run: " + keepalivedConf + " + " + nginxConf);
    node.describe().forEach(line -> events.println("  " + line));

    Consumer<String> printer =
        line -> {
          synchronized (events) {
            events.println(line);
          }
        };
    NodeOperations operations =
        new NodeOperations(
            operationsFlags,
            node::state,
            List.of(
                new VrrpMetrics(node::instances),
                new ProxyMetrics(node::runningProxy),
                new HealthMetrics(node::probes)),
            NodeOperations.AccessLogs.of(node::runningProxy),
            printer);
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
    Lifecycle supervised = systemd.supervise(operations.around(node));
    // Caught before the start, so a TERM during it still ends in a graceful stop.
    ProcessSignals signals = ProcessSignals.install(printer);
    supervised.start();
    signals.operatorActions(operations::reopenLogsAndDumpState, operations::dumpStats);
    signals.reloadAction(
        new ReloadOnHangup(
            node::reload,
            systemd,
            printer,
            line -> {
              synchronized (err) {
                err.println(line);
                err.flush();
              }
            }));
    PidFile pid = null;
    try {
      pid = pidFlag.pidfile == null ? null : PidFile.write(pidFlag.pidfile);
      if (withConsole) {
        events.println("CONSOLE ready: proxy stop | proxy start | status | stop");
        Thread reader =
            new Thread(
                () -> {
                  readConsole(node, events);
                  events.println("CONSOLE closed: stopping");
                  signals.requestStop("console stop");
                },
                "ha4j-run-console");
        reader.setDaemon(
            true); // blocked on stdin; must not keep the JVM alive after a signal's stop
        reader.start();
      }
      signals.awaitStop();
    } finally {
      supervised.stop();
      if (pid != null) {
        pid.close();
      }
    }
    return Ha4jCommandLine.EXIT_OK;
  }

  /** Runs console commands until {@code stop} or the end of input (or an unreadable input). */
  private void readConsole(HaNode node, PrintStream events) {
    BufferedReader in = new BufferedReader(new InputStreamReader(console, StandardCharsets.UTF_8));
    String line;
    while ((line = readLine(in, events)) != null) {
      String command = line.strip().replaceAll("\\s+", " ");
      try {
        switch (command) {
          case "" -> {}
          case "proxy stop" -> node.stopProxy();
          case "proxy start" -> node.startProxy();
          case "status" -> node.status().forEach(s -> events.println("STATUS " + s));
          case "stop", "quit", "exit" -> {
            return;
          }
          default ->
              events.println(
                  "CONSOLE unknown command '"
                      + command
                      + "' (proxy stop | proxy start | status | stop)");
        }
      } catch (Exception e) {
        events.println("CONSOLE '" + command + "' failed: " + e.getMessage());
      }
    }
  }

  private static String readLine(BufferedReader in, PrintStream events) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      events.println("CONSOLE unreadable: " + e.getMessage());
      return null;
    }
  }
}
