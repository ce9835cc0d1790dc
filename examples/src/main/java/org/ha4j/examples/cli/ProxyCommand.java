package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigException;
import org.ha4j.node.HaNode;
import org.ha4j.node.NodeOptions;
import org.ha4j.node.StreamProxyNode;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.ServerSpec;

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
 * HUP, USR1 and USR2 are logged and ignored ({@link ProcessSignals}).
 */
final class ProxyCommand implements Subcommand {

  private final Function<Consumer<String>, ProcessSignals> signals;

  ProxyCommand() {
    this(ProcessSignals::install);
  }

  /** For tests: {@code signals} makes the policy the command waits on, e.g. a manual one. */
  ProxyCommand(Function<Consumer<String>, ProcessSignals> signals) {
    this.signals = signals;
  }

  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public String summary() {
    return "run a TCP load balancer (nginx stream semantics) until SIGTERM";
  }

  @Override
  public String usage() {
    return "proxy --nginx FILE [--relay splice|copy|auto]   (the file's stream {} block, no VRRP)\n"
        + "  or: proxy --listen ADDR:PORT --upstream SERVER [--upstream SERVER ...] [--balance METHOD]"
        + " [--access-log FILE] [--log-format FORMAT] [--relay splice|copy|auto]"
        + " [--connect-timeout T] [--idle-timeout T]\n"
        + "  SERVER: nginx server syntax, e.g. \"10.0.0.1:8080 weight=5 max_fails=3 backup\"\n"
        + "  METHOD: round_robin (default), least_conn, \"hash $remote_addr [consistent]\", random,"
        + " \"random two\", ip_hash, \"least_time connect\"\n"
        + "  FORMAT: nginx log_format, default '"
        + AccessLogFormat.REFERENCE_FORMAT
        + "'";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    Flags flags =
        Flags.parse(
            args,
            Set.of(
                "listen",
                "upstream",
                "balance",
                "access-log",
                "log-format",
                "relay",
                "connect-timeout",
                "idle-timeout",
                "nginx"),
            Set.of());
    if (!flags.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + flags.positional().get(0) + "'");
    }
    if (flags.has("nginx")) {
      return runNginx(flags, out, err);
    }
    String listen = flags.required("listen");
    List<String> upstreamFlags = flags.all("upstream");
    if (upstreamFlags.isEmpty()) {
      throw new UsageException("at least one --upstream is required");
    }
    List<ServerSpec> servers = new ArrayList<>();
    for (String server : upstreamFlags) {
      try {
        servers.add(ServerSpec.parse(server));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--upstream \"" + server + "\": " + e.getMessage());
      }
    }
    BalancingStrategy strategy;
    try {
      strategy = BalancingStrategies.parse(flags.single("balance").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--balance: " + e.getMessage());
    }
    RelayKind relay = relay(flags);
    Upstream upstream;
    try {
      upstream = new Upstream("upstream", strategy, servers);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Proxy.Builder builder = Proxy.builder().relay(relay);
    try {
      builder.listen(listen, upstream);
      if (flags.has("connect-timeout")) {
        builder.connectTimeout(
            org.ha4j.core.config.ConfigDurations.parseNginx(flags.required("connect-timeout")));
      }
      if (flags.has("idle-timeout")) {
        builder.idleTimeout(
            org.ha4j.core.config.ConfigDurations.parseNginx(flags.required("idle-timeout")));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (flags.has("access-log")) {
      AccessLogFormat format;
      try {
        format =
            AccessLogFormat.parse(
                flags.single("log-format").orElse(AccessLogFormat.REFERENCE_FORMAT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--log-format: " + e.getMessage());
      }
      try {
        builder.accessLog(AccessLog.toFile(Path.of(flags.required("access-log")), format));
      } catch (IOException e) {
        err.println("ha4j proxy: cannot open access log: " + e.getMessage());
        return Ha4jCommandLine.EXIT_FAILURE;
      }
    }
    Proxy proxy = builder.build();
    return serveUntilStopped(
        proxy,
        out,
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
   * Starts {@code proxy}, prints the banner, waits for TERM/INT (or a test's stop), then stops it
   * gracefully.
   */
  private int serveUntilStopped(Lifecycle proxy, PrintStream out, Runnable banner)
      throws Exception {
    ProcessSignals stop =
        signals.apply(
            line -> {
              out.println("ha4j proxy: " + line);
              out.flush();
            });
    proxy.start();
    try {
      banner.run();
      out.flush();
      stop.awaitStop();
    } finally {
      proxy.stop();
      out.println("ha4j proxy: stopped");
      out.flush();
    }
    return Ha4jCommandLine.EXIT_OK;
  }

  private static RelayKind relay(Flags flags) throws UsageException {
    return switch (flags.single("relay").orElse("splice")) {
      case "copy" -> RelayKind.COPY;
      case "splice" -> RelayKind.SPLICE;
      case "auto" -> RelayKind.AUTO;
      default -> throw new UsageException("--relay must be splice, copy or auto");
    };
  }

  /**
   * {@code --nginx FILE}: the file's {@code stream {}} block, checked as {@code ./ha4j check FILE}
   * checks it.
   */
  private int runNginx(Flags flags, PrintStream out, PrintStream err) throws Exception {
    for (String replaced :
        List.of(
            "listen",
            "upstream",
            "balance",
            "access-log",
            "log-format",
            "connect-timeout",
            "idle-timeout")) {
      if (flags.has(replaced)) {
        throw new UsageException(
            "--" + replaced + " cannot be combined with --nginx: the file says it");
      }
    }
    Path file = Path.of(flags.required("nginx"));
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
                  relay(flags),
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
        out,
        () -> {
          out.println("ha4j proxy: " + file);
          proxy.notes().forEach(note -> out.println("  note: " + note));
        });
  }
}
