package org.ha4j.proxy.nginx;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;
import org.ha4j.core.config.BlockConfigParser;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigIncludes;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.nginx.NginxStreamConfig.AccessRule;
import org.ha4j.proxy.nginx.NginxStreamConfig.Server;
import org.ha4j.proxy.nginx.NginxStreamConfig.Upstream;

/**
 * Loads the {@code stream {}} block of an nginx.conf as nginx reads it. Everything outside {@code
 * stream {}} ({@code events}, {@code http}, {@code user}, ...) belongs to parts of nginx that ha4j
 * does not replace and is skipped with a note. Inside it, a directive ha4j implements is applied
 * with nginx's defaults and inheritance (stream-level {@code proxy_*}, {@code allow}/{@code deny}
 * and {@code access_log} apply to every server that does not set its own); one that nginx would
 * accept without effect here is a warning; anything else is an error with file:line.
 *
 * <p>{@code include} is followed at any level, as nginx follows it ({@link NginxIncludes}), so a
 * {@code stream {}} kept in {@code modules-enabled/} or {@code stream.d/} is found; every problem
 * names the file it is in.
 *
 * <p>Everything {@code ./ha4j run} would refuse is found here, before anything binds: server lines,
 * balancing methods and their variables, listen addresses (names are resolved, as nginx resolves
 * them), duplicate listeners, limits, timeouts, log formats and the access log's directory. One run
 * reports every problem.
 */
public final class NginxStreamConfigLoader {

  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  private final ConfigProblems problems = new ConfigProblems();
  private final Map<String, String> logFormats = new LinkedHashMap<>();
  private final List<Upstream> upstreams = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();

  /** limit_conn_zone name -> true when keyed by the client address, false when by the server. */
  private final Map<String, Boolean> connectionZones = new HashMap<>();

  /** Listen addresses taken so far, to find two servers on one address and port. */
  private final Map<InetSocketAddress, ConfigStatement> listenAddresses = new HashMap<>();

  /**
   * Whether a directory exists: the file system in production, a stand-in for tests of another
   * host's file.
   */
  private final Predicate<Path> directoryExists;

  private NginxStreamConfigLoader(Predicate<Path> directoryExists) {
    this.directoryExists = directoryExists;
  }

  public static NginxStreamConfig load(Path file) throws IOException, ConfigException {
    return load(file.toString(), ConfigFiles.read(file));
  }

  /**
   * Loads text; {@code fileName} labels every problem, and its directory is nginx's configuration
   * prefix, where relative includes start.
   *
   * @throws ConfigException with every error and note, when there is at least one error (including
   *     a file with no {@code stream {}} block, which leaves ha4j nothing to run)
   */
  public static NginxStreamConfig load(String fileName, String text) throws ConfigException {
    return load(fileName, text, Files::isDirectory);
  }

  /**
   * As {@link #load(String, String)}, asking {@code directoryExists} where an access log's
   * directory is.
   */
  static NginxStreamConfig load(String fileName, String text, Predicate<Path> directoryExists)
      throws ConfigException {
    List<ConfigStatement> parsed =
        BlockConfigParser.parse(fileName, text, BlockConfigParser.Dialect.NGINX);
    NginxStreamConfigLoader loader = new NginxStreamConfigLoader(directoryExists);
    ConfigIncludes includes =
        ConfigIncludes.with(BlockConfigParser.Dialect.NGINX, new NginxIncludes(), loader.problems);
    List<ConfigStatement> top = includes.expand(fileName, parsed);
    List<ConfigStatement> streams = new ArrayList<>();
    for (ConfigStatement statement : top) {
      if (statement.keyword().equals("stream")) {
        streams.add(statement);
      } else if (NginxDirectives.MAIN_CONTEXT.contains(statement.keyword())) {
        loader.problems.warning(
            statement, "outside stream {}: skipped (ha4j replaces only " + "nginx's stream proxy)");
      } else {
        NginxDirectives.unknownOrMisplaced(statement, "the main context", loader.problems);
      }
    }
    if (streams.isEmpty()) {
      loader.problems.add(
          new ConfigProblem(
              ConfigProblem.Severity.ERROR,
              new org.ha4j.core.config.ConfigLocation(fileName, 1),
              "stream",
              "no stream {} block: nothing for ha4j to proxy"));
    }
    for (ConfigStatement stream : streams) {
      loader.readStream(stream);
    }
    // in file order, as a reader goes through them; the checks themselves run in nginx's order
    List<String> files = includes.files();
    List<ConfigProblem> found = new ArrayList<>(loader.problems.all());
    found.sort(
        java.util.Comparator.<ConfigProblem>comparingInt(p -> files.indexOf(p.location().file()))
            .thenComparingInt(p -> p.location().line()));
    if (loader.problems.hasErrors()) {
      throw new ConfigException(found);
    }
    return new NginxStreamConfig(loader.logFormats, loader.upstreams, loader.servers, found);
  }

  /** Settings a server inherits from the stream level unless it sets its own. */
  private static final class Inherited {
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    boolean nextUpstream = true;
    int nextUpstreamTries;
    Duration nextUpstreamTimeout = Duration.ZERO;
    List<AccessRule> accessRules = new ArrayList<>();
    List<ConfigStatement> limitConns = new ArrayList<>();
    Optional<String> accessLogPath = Optional.empty();
    Optional<String> accessLogFormat = Optional.empty();
    ConfigStatement accessLogStatement;
    NginxProxyProtocolReader.Settings proxyProtocol = new NginxProxyProtocolReader.Settings();
  }

  private void readStream(ConfigStatement stream) {
    if (!stream.hasBlock()) {
      problems.error(stream, "expects a { ... } block");
      return;
    }
    // Formats, zones and upstreams first: nginx resolves references to them after reading the
    // block.
    for (ConfigStatement s : stream.block()) {
      switch (s.keyword()) {
        case "log_format" -> readLogFormat(s);
        case "limit_conn_zone" -> readConnectionZone(s);
        default -> {}
      }
    }
    for (ConfigStatement s : stream.block()) {
      if (s.keyword().equals("upstream")) {
        new NginxUpstreamReader(problems).read(s, upstreams);
      }
    }
    Inherited streamLevel = new Inherited();
    Set<String> seen = new HashSet<>();
    List<ConfigStatement> serverBlocks = new ArrayList<>();
    for (ConfigStatement s : stream.block()) {
      switch (s.keyword()) {
        case "log_format", "limit_conn_zone", "upstream" -> {}
        case "server" -> serverBlocks.add(s);
        default -> {
          if (NginxDirectives.once(s, seen, problems)) {
            readProxySetting(s, streamLevel, "stream {}");
          }
        }
      }
    }
    for (ConfigStatement block : serverBlocks) {
      readServer(block, streamLevel);
    }
  }

  private void readLogFormat(ConfigStatement s) {
    if (s.args().size() < 2) {
      problems.error(s, "expects a name and a format string");
      return;
    }
    String name = s.args().get(0);
    int start = 1;
    if (s.args().get(1).startsWith("escape=")) {
      problems.warning(
          s,
          "'"
              + s.args().get(1)
              + "' accepted; ha4j writes values as they are (they contain no quotes)");
      start = 2;
    }
    if (logFormats.containsKey(name)) {
      problems.error(s, "duplicate log_format name \"" + name + "\"");
      return;
    }
    String template = String.join("", s.args().subList(start, s.args().size()));
    try {
      AccessLogFormat.parse(template);
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
      return;
    }
    logFormats.put(name, template);
  }

  private void readConnectionZone(ConfigStatement s) {
    if (s.args().size() != 2 || !s.args().get(1).startsWith("zone=")) {
      problems.error(s, "expects 'limit_conn_zone KEY zone=NAME:SIZE'");
      return;
    }
    String key = s.args().get(0);
    String zone = s.args().get(1).substring("zone=".length());
    int colon = zone.indexOf(':');
    String name = colon < 0 ? zone : zone.substring(0, colon);
    if (connectionZones.containsKey(name)) {
      problems.error(s, "duplicate zone \"" + name + "\"");
      return;
    }
    switch (key) {
      case "$binary_remote_addr", "$remote_addr" -> connectionZones.put(name, true);
      case "$server_addr", "$server_port" -> connectionZones.put(name, false);
      default ->
          problems.error(
              s,
              "key "
                  + key
                  + " is not supported (use $binary_remote_addr for a per-client "
                  + "limit or $server_port for a per-listener one)");
    }
  }

  private void readServer(ConfigStatement block, Inherited streamLevel) {
    if (!block.hasBlock() || !block.args().isEmpty()) {
      problems.error(block, "expects 'server { ... }'");
      return;
    }
    int errorsBefore = problems.errorCount();
    Inherited own = new Inherited();
    own.connectTimeout = streamLevel.connectTimeout;
    own.idleTimeout = streamLevel.idleTimeout;
    own.nextUpstream = streamLevel.nextUpstream;
    own.nextUpstreamTries = streamLevel.nextUpstreamTries;
    own.nextUpstreamTimeout = streamLevel.nextUpstreamTimeout;
    own.proxyProtocol = streamLevel.proxyProtocol.inherited();
    boolean ownRules = false;
    boolean ownLimits = false;
    boolean ownLog = false;
    ConfigStatement listen = null;
    ConfigStatement proxyPass = null;
    Set<String> seen = new HashSet<>();
    List<AccessRule> rules = new ArrayList<>();
    List<ConfigStatement> limits = new ArrayList<>();
    for (ConfigStatement s : block.block()) {
      if (!NginxDirectives.once(s, seen, problems)) {
        continue;
      }
      switch (s.keyword()) {
        case "listen" -> {
          if (listen != null) {
            problems.error(s, "ha4j takes one listen per server block; write another server block");
          }
          listen = s;
        }
        case "proxy_pass" -> {
          if (s.args().size() != 1) {
            problems.error(s, "expects one upstream name or host:port");
          } else {
            proxyPass = s;
          }
        }
        case "allow", "deny" -> {
          ownRules = true;
          accessRule(s).ifPresent(rules::add);
        }
        case "limit_conn" -> {
          ownLimits = true;
          limits.add(s);
        }
        case "access_log" -> {
          ownLog = true;
          readProxySetting(s, own, "server {}");
        }
        default -> readProxySetting(s, own, "server {}");
      }
    }
    if (listen == null) {
      problems.error(block, "server block has no 'listen'");
      return;
    }
    if (proxyPass == null) {
      problems.error(block, "server block has no 'proxy_pass'");
      return;
    }
    String target = proxyPass.args().get(0);
    if (target.contains("$")) {
      problems.error(proxyPass, "proxy_pass with variables is not supported");
    } else if (upstreams.stream().noneMatch(u -> u.name().equals(target))) {
      if (target.indexOf(':') < 0) {
        problems.error(
            proxyPass, "no upstream \"" + target + "\" and no port in \"" + target + "\"");
      } else {
        NginxUpstreamReader.serverSpec(proxyPass, target, problems);
      }
    }
    Optional<NginxListen> spec = NginxListen.read(listen, problems);
    if (spec.isPresent()) {
      claimListenAddress(listen, spec.get());
    }
    List<AccessRule> effectiveRules = ownRules ? rules : streamLevel.accessRules;
    List<ConfigStatement> effectiveLimits = ownLimits ? limits : streamLevel.limitConns;
    OptionalInt perClient = OptionalInt.empty();
    OptionalInt perListener = OptionalInt.empty();
    for (ConfigStatement limit : effectiveLimits) {
      Optional<Integer> count = limitCount(limit, 1);
      Boolean perClientZone =
          limit.args().isEmpty() ? null : connectionZones.get(limit.args().get(0));
      if (count.isEmpty()) {
        continue;
      }
      if (perClientZone == null) {
        problems.error(limit, "no limit_conn_zone named " + limit.args().get(0));
      } else if (perClientZone) {
        perClient = OptionalInt.of(count.get());
      } else {
        perListener = OptionalInt.of(count.get());
      }
    }
    Optional<String> logPath = ownLog ? own.accessLogPath : streamLevel.accessLogPath;
    Optional<String> logFormatName = ownLog ? own.accessLogFormat : streamLevel.accessLogFormat;
    ConfigStatement logStatement = ownLog ? own.accessLogStatement : streamLevel.accessLogStatement;
    Optional<String> logTemplate = Optional.empty();
    if (logPath.isPresent() && logFormatName.isPresent()) {
      String template = logFormats.get(logFormatName.get());
      if (template == null) {
        problems.error(logStatement, "unknown log format \"" + logFormatName.get() + "\"");
      } else {
        logTemplate = Optional.of(template);
      }
    }
    if (spec.isEmpty() || problems.errorCount() > errorsBefore) {
      return;
    }
    NginxListen l = spec.get();
    servers.add(
        new Server(
            l.host(),
            l.port(),
            l.reusePort(),
            l.backlog(),
            target,
            own.connectTimeout,
            own.idleTimeout,
            own.nextUpstream,
            own.nextUpstreamTries,
            own.nextUpstreamTimeout,
            effectiveRules,
            perClient,
            perListener,
            logPath,
            logTemplate,
            block.location(),
            own.proxyProtocol.toConfig(l.proxyProtocol())));
  }

  /**
   * One listening socket per address and port. nginx also lets {@code *:P} and {@code 10.0.0.1:P}
   * stand together (it binds the wildcard and sorts connections by their local address); ha4j binds
   * each listen as its own socket, which the kernel refuses for an address the wildcard of its
   * family already covers.
   */
  private void claimListenAddress(ConfigStatement listen, NginxListen l) {
    InetSocketAddress address = l.address();
    ConfigStatement earlier = listenAddresses.get(address);
    if (earlier != null) {
      problems.error(
          listen,
          "duplicate \""
              + text(address)
              + "\" address and port pair (also at "
              + earlier.location()
              + ")");
      return;
    }
    for (Map.Entry<InetSocketAddress, ConfigStatement> taken : listenAddresses.entrySet()) {
      InetSocketAddress other = taken.getKey();
      boolean sameFamily = other.getAddress().getClass() == address.getAddress().getClass();
      if (sameFamily
          && other.getPort() == address.getPort()
          && (other.getAddress().isAnyLocalAddress() || address.getAddress().isAnyLocalAddress())) {
        problems.error(
            listen,
            "\""
                + text(address)
                + "\" overlaps \""
                + text(other)
                + "\" at "
                + taken.getValue().location()
                + ": ha4j binds each listen as its own socket; use one "
                + "wildcard listen or only specific addresses on a port");
        return;
      }
    }
    listenAddresses.put(address, listen);
  }

  private static String text(InetSocketAddress address) {
    return IpAddress.of(address.getAddress()).toUriHost() + ":" + address.getPort();
  }

  /** Directives valid at both stream and server level. */
  private void readProxySetting(ConfigStatement s, Inherited into, String level) {
    switch (s.keyword()) {
      case "proxy_connect_timeout" -> positiveDuration(s).ifPresent(d -> into.connectTimeout = d);
      case "proxy_timeout" -> positiveDuration(s).ifPresent(d -> into.idleTimeout = d);
      case "proxy_next_upstream" -> onOff(s).ifPresent(b -> into.nextUpstream = b);
      case "proxy_next_upstream_tries" ->
          limitCount(s, 0).ifPresent(n -> into.nextUpstreamTries = n);
      case "proxy_next_upstream_timeout" ->
          duration(s).ifPresent(d -> into.nextUpstreamTimeout = d);
      case "allow", "deny" -> accessRule(s).ifPresent(into.accessRules::add);
      case "limit_conn" -> into.limitConns.add(s);
      case "access_log" -> readAccessLog(s, into);
      default -> {
        if (NginxProxyProtocolReader.handles(s.keyword())) {
          new NginxProxyProtocolReader(problems).read(s, into.proxyProtocol);
          return;
        }
        if (NginxDirectives.NO_OPS.contains(s.keyword())) {
          problems.warning(s, "accepted and ignored: it tunes nginx internals ha4j does not have");
        } else {
          NginxDirectives.unknownOrMisplaced(s, level, problems);
        }
      }
    }
  }

  private void readAccessLog(ConfigStatement s, Inherited into) {
    if (into.accessLogStatement != null
        && !(s.args().size() == 1 && s.args().get(0).equals("off"))) {
      problems.error(
          s,
          "ha4j writes one access log per server (another at "
              + into.accessLogStatement.location()
              + ")");
      return;
    }
    into.accessLogStatement = s;
    if (s.args().size() == 1 && s.args().get(0).equals("off")) {
      into.accessLogPath = Optional.empty();
      into.accessLogFormat = Optional.empty();
    } else if (s.args().size() >= 2) {
      into.accessLogPath = Optional.of(s.args().get(0));
      into.accessLogFormat = Optional.of(s.args().get(1));
      if (s.args().size() > 2) {
        problems.warning(
            s,
            "buffer/flush/gzip/if parameters are accepted and ignored: ha4j always writes "
                + "the log off the event loop");
      }
      Path parent;
      try {
        parent = Path.of(s.args().get(0)).toAbsolutePath().getParent();
      } catch (InvalidPathException e) {
        problems.error(
            s, "cannot open \"" + s.args().get(0) + "\": not a file name (" + e.getReason() + ")");
        return;
      }
      if (parent != null && !directoryExists.test(parent)) {
        problems.error(s, "cannot open \"" + s.args().get(0) + "\": no directory " + parent);
      }
    } else {
      problems.error(
          s,
          "expects 'access_log PATH FORMAT' or 'access_log off' (log format is not specified, and "
              + "stream has no default format)");
    }
  }

  private Optional<AccessRule> accessRule(ConfigStatement s) {
    if (s.args().size() != 1) {
      problems.error(s, "expects one address, CIDR or 'all'");
      return Optional.empty();
    }
    String text = s.args().get(0);
    boolean allow = s.keyword().equals("allow");
    if (text.equals("all")) {
      return Optional.of(new AccessRule(allow, Optional.empty()));
    }
    try {
      IpCidr source = IpCidr.parse(text);
      if (source.hasHostBits()) {
        problems.warning(s, "low address bits of " + text + " are meaningless");
      }
      return Optional.of(new AccessRule(allow, Optional.of(source)));
    } catch (IllegalArgumentException e) {
      problems.error(
          s,
          "invalid parameter \""
              + text
              + "\": "
              + e.getMessage()
              + (text.startsWith("unix:") ? " (unix: is not supported)" : ""));
      return Optional.empty();
    }
  }

  /** The number at the end of {@code s}: at least {@code min}. */
  private Optional<Integer> limitCount(ConfigStatement s, int min) {
    String text = s.args().isEmpty() ? "" : s.args().get(s.args().size() - 1);
    boolean limitConn = s.keyword().equals("limit_conn");
    if (s.args().size() != (limitConn ? 2 : 1)) {
      problems.error(s, limitConn ? "expects 'limit_conn ZONE NUMBER'" : "expects a number");
      return Optional.empty();
    }
    if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < min) {
      problems.error(
          s,
          "invalid number"
              + (limitConn ? " of connections" : "")
              + " \""
              + text
              + "\" (a whole number >= "
              + min
              + ")");
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(text));
  }

  private Optional<Duration> duration(ConfigStatement s) {
    if (s.args().size() != 1) {
      problems.error(s, "expects one time value such as 10s");
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigDurations.parseNginx(s.args().get(0)));
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
      return Optional.empty();
    }
  }

  /** A timeout the proxy runs with: nginx takes 0, which would time every session out at once. */
  private Optional<Duration> positiveDuration(ConfigStatement s) {
    Optional<Duration> d = duration(s);
    if (d.isPresent() && d.get().isZero()) {
      problems.error(s, "must be more than 0 (0 would time every connection out at once)");
      return Optional.empty();
    }
    return d;
  }

  private Optional<Boolean> onOff(ConfigStatement s) {
    if (s.args().size() == 1 && (s.args().get(0).equals("on") || s.args().get(0).equals("off"))) {
      return Optional.of(s.args().get(0).equals("on"));
    }
    problems.error(s, "expects on or off");
    return Optional.empty();
  }
}
