package org.ha4j.proxy.nginx;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.net.IpCidr;
import org.ha4j.proxy.AccessRules;

/**
 * What ha4j understood of an nginx.conf's {@code stream {}} block, with nginx's defaults filled in.
 * Server lines keep their parameters as written ({@code weight=5 max_fails=3 backup}); the proxy's
 * own server-line parser gives them meaning, so the flags and the file share one reading of nginx's
 * syntax.
 *
 * @param logFormats {@code log_format} name -> template; nginx's predefined {@code combined} is not
 *     in stream
 * @param upstreams {@code upstream} blocks in file order
 * @param servers {@code server} blocks in file order
 * @param notes warnings: skipped contexts outside {@code stream {}} and directives accepted without
 *     effect
 */
public record NginxStreamConfig(
    Map<String, String> logFormats,
    List<Upstream> upstreams,
    List<Server> servers,
    List<ConfigProblem> notes) {

  public NginxStreamConfig {
    logFormats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(logFormats));
    upstreams = List.copyOf(upstreams);
    servers = List.copyOf(servers);
    notes = List.copyOf(notes);
  }

  /** The upstream with this name, if defined. */
  public Optional<Upstream> upstream(String name) {
    return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /**
   * An {@code upstream NAME { ... }} block.
   *
   * @param name its name
   * @param method the balancing directive as written ({@code least_conn}, {@code hash $remote_addr
   *     consistent}, {@code random two}); empty for nginx's default, weighted round robin
   * @param servers its {@code server} lines
   * @param location where it starts
   */
  public record Upstream(
      String name, Optional<String> method, List<ServerLine> servers, ConfigLocation location) {
    public Upstream {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(method, "method");
      servers = List.copyOf(servers);
      Objects.requireNonNull(location, "location");
    }
  }

  /**
   * A {@code server ADDRESS [PARAMETERS]} line of an upstream.
   *
   * @param text the address and parameters joined as written: {@code 10.0.0.1:8080 weight=5 backup}
   * @param location where it stands, for errors found when the parameters are interpreted
   */
  public record ServerLine(String text, ConfigLocation location) {
    public ServerLine {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(location, "location");
    }
  }

  /**
   * A {@code server { ... }} block: one listener and where it proxies to.
   *
   * @param listenHost the address of {@code listen} without brackets ({@code 10.0.0.1}, {@code
   *     ::1}, {@code ::} for all IPv6 addresses), empty for all IPv4 addresses
   * @param listenPort the port of {@code listen}
   * @param reusePort {@code listen ... reuseport}
   * @param backlog {@code listen ... backlog=N}, if given
   * @param proxyPass an upstream name, or a single {@code host:port}
   * @param connectTimeout {@code proxy_connect_timeout}, nginx default 60 s
   * @param idleTimeout {@code proxy_timeout}, nginx default 10 m
   * @param nextUpstream {@code proxy_next_upstream}, nginx default on
   * @param nextUpstreamTries {@code proxy_next_upstream_tries}, 0 = unlimited (nginx default)
   * @param nextUpstreamTimeout {@code proxy_next_upstream_timeout}, 0 = unlimited (nginx default)
   * @param accessRules {@code allow}/{@code deny} in order, first match wins (stream-level ones
   *     first)
   * @param maxConnectionsPerClient {@code limit_conn} on a zone keyed by the client address
   * @param maxConnections {@code limit_conn} on a zone keyed by the server address or port
   * @param accessLogPath {@code access_log PATH}, empty when off or absent
   * @param accessLogFormat the named format's template (nginx's {@code combined} is http-only)
   * @param location where the block starts
   * @param proxyProtocol {@code listen ... proxy_protocol}, {@code proxy_protocol}, {@code
   *     proxy_protocol_timeout} and {@code set_real_ip_from}
   */
  public record Server(
      Optional<String> listenHost,
      int listenPort,
      boolean reusePort,
      OptionalInt backlog,
      String proxyPass,
      Duration connectTimeout,
      Duration idleTimeout,
      boolean nextUpstream,
      int nextUpstreamTries,
      Duration nextUpstreamTimeout,
      List<AccessRule> accessRules,
      OptionalInt maxConnectionsPerClient,
      OptionalInt maxConnections,
      Optional<String> accessLogPath,
      Optional<String> accessLogFormat,
      ConfigLocation location,
      ProxyProtocolSettings proxyProtocol) {

    public Server {
      Objects.requireNonNull(proxyProtocol, "proxyProtocol");
      Objects.requireNonNull(listenHost, "listenHost");
      Objects.requireNonNull(backlog, "backlog");
      Objects.requireNonNull(proxyPass, "proxyPass");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(nextUpstreamTimeout, "nextUpstreamTimeout");
      accessRules = List.copyOf(accessRules);
      Objects.requireNonNull(maxConnectionsPerClient, "maxConnectionsPerClient");
      Objects.requireNonNull(maxConnections, "maxConnections");
      Objects.requireNonNull(accessLogPath, "accessLogPath");
      Objects.requireNonNull(accessLogFormat, "accessLogFormat");
      Objects.requireNonNull(location, "location");
    }

    /**
     * The socket address to bind, as nginx binds {@code listen}: a bare port is the IPv4 wildcard
     * only ({@code 0.0.0.0}), an IPv6 address ({@code [::]:P}, {@code [::1]:P}) is IPv6 only.
     */
    public InetSocketAddress listenAddress() {
      return new InetSocketAddress(listenHost.orElse("0.0.0.0"), listenPort);
    }

    /** {@code host:port} as nginx writes a listen address: {@code *:8080}, {@code [::1]:8080}. */
    public String listenText() {
      String host = listenHost.orElse("*");
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listenPort;
    }

    /** The {@code allow}/{@code deny} rules, ready for the proxy. */
    public AccessRules access() {
      AccessRules.Builder builder = AccessRules.builder();
      for (AccessRule rule : accessRules) {
        String source = rule.source().map(IpCidr::toString).orElse("all");
        if (rule.allow()) {
          builder.allow(source);
        } else {
          builder.deny(source);
        }
      }
      return builder.build();
    }
  }

  /**
   * An {@code allow} or {@code deny} line.
   *
   * @param allow true for allow
   * @param source the client addresses it matches (IPv4 or IPv6); empty for {@code all}, which
   *     matches both
   */
  public record AccessRule(boolean allow, Optional<IpCidr> source) {
    public AccessRule {
      Objects.requireNonNull(source, "source");
    }

    /** {@code allow 10.0.0.0/8}, {@code deny all}: the directive as nginx reads it. */
    public String text() {
      return (allow ? "allow " : "deny ") + source.map(IpCidr::toString).orElse("all");
    }
  }

  /**
   * The PROXY protocol settings of a server.
   *
   * @param accept {@code listen ... proxy_protocol}: clients open with a PROXY header
   * @param send {@code proxy_protocol on}: backend connections open with a v1 header, as nginx's
   * @param timeout {@code proxy_protocol_timeout}, nginx default 30 s
   * @param realIpFrom {@code set_real_ip_from}: peers whose header's source becomes the client
   */
  public record ProxyProtocolSettings(
      boolean accept, boolean send, Duration timeout, List<IpCidr> realIpFrom) {
    /** nginx's defaults: no header either way. */
    public static final ProxyProtocolSettings NONE =
        new ProxyProtocolSettings(false, false, Duration.ofSeconds(30), List.of());

    public ProxyProtocolSettings {
      Objects.requireNonNull(timeout, "timeout");
      realIpFrom = List.copyOf(realIpFrom);
    }
  }
}
