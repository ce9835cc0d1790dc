package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigException;
import org.ha4j.node.HaNode;
import org.ha4j.node.NodeOptions;
import org.ha4j.node.NodeState;
import org.ha4j.node.StreamProxyNode;
import org.ha4j.node.SystemdNotifier;
import org.ha4j.node.metrics.ProxyMetrics;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.ServerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ha4j proxy}: a TCP load balancer from flags, with nginx's own syntax for servers and
 * methods:
 *
 * <pre>
 * ./ha4j proxy --listen 0.0.0.0:8080 \
 *     --upstream "192.168.122.12:8080 weight=5 max_fails=3" --upstream "192.168.122.13:8080 backup" \
 *     --balance least_conn --access-log /tmp/access.log --relay splice
 * </pre>
 *
 * Runs until SIGTERM or Ctrl-C, then stops gracefully (stop accepting, drain, close) and exits 0;
 * USR1 reopens the access logs and dumps the state, USR2 dumps the stats; HUP reloads {@code
 * --nginx FILE} (listeners that stay keep their sockets, see {@link ReloadOnHangup}) and is only
 * logged for a proxy from flags ({@link ProcessSignals}). Under systemd ({@code Type=notify})
 * READY=1 follows the bind, RELOADING=1 and READY=1 surround a reload, and STOPPING=1 begins the
 * stop.
 */
@Command(
    name = "proxy",
    description = {
      "Run a TCP load balancer (nginx stream semantics) until SIGTERM or Ctrl-C: the stream {}"
          + " block of an nginx.conf (--nginx FILE), or one proxy from flags in nginx's syntax.",
    },
    footer = {
      "%nSERVER is nginx's server syntax, e.g. \"10.0.0.1:8080 weight=5 max_fails=3 backup\".",
      "METHOD: round_robin (default), least_conn, \"hash $remote_addr [consistent]\", random,"
          + " \"random two\", ip_hash, \"least_time connect\"."
    })
final class ProxyCommand extends CliCommand {

  private final Function<Consumer<String>, ProcessSignals> signals;

  @Option(
      names = "--nginx",
      paramLabel = "FILE",
      description =
          "Run the file's stream {} block, checked as ./ha4j check checks it; replaces the flags"
              + " below except --relay (default: none).")
  private Path nginx;

  @Option(
      names = "--listen",
      paramLabel = "ADDR:PORT",
      converter = CliTypes.ListenConverter.class,
      description =
          "Where to accept, as nginx's listen: ADDRESS:PORT, *:PORT, or PORT alone for"
              + " 0.0.0.0:PORT (default: none; needed without --nginx).")
  private String listen;

  @Option(
      names = "--upstream",
      paramLabel = "SERVER",
      description =
          "A backend server, repeatable, in nginx's server syntax (default: none; needed without --nginx).")
  private List<String> upstreams = List.of();

  @Option(
      names = "--balance",
      paramLabel = "METHOD",
      defaultValue = "round_robin",
      description = "The balancing method (default: ${DEFAULT-VALUE}).")
  private String balance;

  @Option(
      names = "--access-log",
      paramLabel = "FILE",
      description = "Append one line per session to FILE (default: no access log).")
  private Path accessLog;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "The access log's nginx log_format (default: '"
              + AccessLogFormat.REFERENCE_FORMAT
              + "').")
  private String logFormat;

  @Mixin private SharedFlags.RelayFlag relayFlag = new SharedFlags.RelayFlag();

  @Mixin private SharedFlags.OperationsFlags operationsFlags = new SharedFlags.OperationsFlags();

  @Option(
      names = "--connect-timeout",
      paramLabel = "T",
      description =
          "nginx's proxy_connect_timeout, " + CliTypes.DURATION_FORMS + " (default: 60s).")
  private Duration connectTimeout;

  @Option(
      names = "--idle-timeout",
      paramLabel = "T",
      description = "nginx's proxy_timeout (default: 10m).")
  private Duration idleTimeout;

  ProxyCommand() {
    this(ProcessSignals::install);
  }

  /** For tests: {@code signals} makes the policy the command waits on, e.g. a manual one. */
  ProxyCommand(Function<Consumer<String>, ProcessSignals> signals) {
    this.signals = signals;
  }

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    if (nginx != null) {
      return runNginx(out, err);
    }
    if (listen == null) {
      throw new UsageException("--listen is required (or --nginx FILE)");
    }
    if (upstreams.isEmpty()) {
      throw new UsageException("at least one --upstream is required");
    }
    List<ServerSpec> servers = new ArrayList<>();
    for (String server : upstreams) {
      try {
        servers.add(ServerSpec.parse(server));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--upstream \"" + server + "\": " + e.getMessage());
      }
    }
    BalancingStrategy strategy;
    try {
      strategy = BalancingStrategies.parse(balance);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--balance: " + e.getMessage());
    }
    Upstream upstream;
    try {
      upstream = new Upstream("upstream", strategy, servers);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Proxy.Builder builder = Proxy.builder().relay(relayFlag.relay);
    try {
      builder.listen(listen, upstream);
      if (connectTimeout != null) {
        builder.connectTimeout(connectTimeout);
      }
      if (idleTimeout != null) {
        builder.idleTimeout(idleTimeout);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (accessLog != null) {
      AccessLogFormat format;
      try {
        format =
            AccessLogFormat.parse(logFormat == null ? AccessLogFormat.REFERENCE_FORMAT : logFormat);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--log-format: " + e.getMessage());
      }
      try {
        builder.accessLog(AccessLog.toFile(accessLog, format));
      } catch (IOException e) {
        err.println("ha4j proxy: cannot open access log: " + e.getMessage());
        return Ha4jCommandLine.EXIT_FAILURE;
      }
    }
    Proxy proxy = builder.build();
    Optional<Proxy> running = Optional.of(proxy);
    return serveUntilStopped(
        proxy,
        () -> running,
        Optional.empty(),
        out,
        err,
        () ->
            out.printf(
                "ha4j proxy: listening on %s -> %d server(s), %s, %s relay%n",
                proxy.boundAddresses().get(0).getAddress().getHostAddress()
                    + ":"
                    + proxy.boundAddresses().get(0).getPort(),
                servers.size(),
                strategy.directive(),
                proxy.relay().name().toLowerCase(Locale.ROOT)));
  }

  /**
   * Starts {@code proxy} under systemd's eye with the status port and the operator signals, prints
   * the banner, waits for TERM/INT (or a test's stop), then stops it gracefully.
   *
   * @param running the proxy while it runs, for the meters, the state and the log reopen
   * @param reload what HUP does: reads the file again and applies it; empty for a proxy from flags
   */
  private int serveUntilStopped(
      Lifecycle proxy,
      Supplier<Optional<Proxy>> running,
      Optional<Callable<String>> reload,
      PrintStream out,
      PrintStream err,
      Runnable banner)
      throws Exception {
    Consumer<String> printer =
        line -> {
          out.println("ha4j proxy: " + line);
          out.flush();
        };
    NodeOperations operations =
        new NodeOperations(
            operationsFlags,
            () -> new NodeState(Instant.now(), List.of(), NodeState.ProxyState.of(running.get())),
            List.of(new ProxyMetrics(running)),
            NodeOperations.AccessLogs.of(running),
            printer);
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
    Lifecycle supervised = systemd.supervise(operations.around(proxy));
    ProcessSignals stop = signals.apply(printer);
    supervised.start();
    stop.operatorActions(operations::reopenLogsAndDumpState, operations::dumpStats);
    if (reload.isPresent()) {
      stop.reloadAction(
          new ReloadOnHangup(
              reload.get(),
              systemd,
              line -> {
                out.println(line);
                out.flush();
              },
              line -> {
                err.println(line);
                err.flush();
              }));
    } else {
      stop.nothingToReload("this proxy takes its configuration from flags");
    }
    try {
      banner.run();
      out.flush();
      stop.awaitStop();
    } finally {
      supervised.stop();
      out.println("ha4j proxy: stopped");
      out.flush();
    }
    return Ha4jCommandLine.EXIT_OK;
  }

  /**
   * {@code --nginx FILE}: the file's {@code stream {}} block, checked as {@code ./ha4j check FILE}
   * checks it.
   */
  private int runNginx(PrintStream out, PrintStream err) throws Exception {
    for (String replaced :
        List.of(
            "--listen",
            "--upstream",
            "--balance",
            "--access-log",
            "--log-format",
            "--connect-timeout",
            "--idle-timeout")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(replaced)) {
        throw new UsageException(replaced + " cannot be combined with --nginx: the file says it");
      }
    }
    Path file = nginx;
    if (!java.nio.file.Files.isReadable(file)) {
      throw new UsageException("cannot read " + file);
    }
    StreamProxyNode proxy;
    try {
      proxy =
          HaNode.streamProxy(
              file,
              new NodeOptions(
                  Set.of(),
                  relayFlag.relay,
                  Proxy.DEFAULT_DRAIN_TIMEOUT,
                  line -> {
                    out.println(line);
                    out.flush();
                  }));
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      err.println("ha4j proxy: " + file + " not loaded (see ./ha4j check)");
      return Ha4jCommandLine.EXIT_FAILURE;
    }
    return serveUntilStopped(
        proxy,
        proxy::runningProxy,
        Optional.of(proxy::reload),
        out,
        err,
        () -> {
          out.println("ha4j proxy: " + file);
          proxy.notes().forEach(note -> out.println("  note: " + note));
        });
  }
}
