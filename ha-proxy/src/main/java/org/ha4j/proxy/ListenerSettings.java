package org.ha4j.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.IpCidr;

/**
 * What nginx sets per {@code server {}} of a stream block: timeouts, next upstream, access rules,
 * connection limits and the access log. A value left unset comes from the proxy's defaults (the
 * {@link Proxy.Builder} methods of the same names), as a {@code server {}} inherits what its {@code
 * stream {}} sets; so one {@link Proxy} serves many {@code server {}} blocks on one event-loop
 * group and one splice engine.
 *
 * <pre>{@code
 * Proxy.builder()
 *         .listen("0.0.0.0:8080", web, ListenerSettings.builder().idleTimeout(Duration.ofMinutes(1)).build())
 *         .listen("0.0.0.0:5432", db, ListenerSettings.builder().maxConnections(100).build())
 *         .connectTimeout(Duration.ofSeconds(2)) // both listeners
 *         .build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ListenerSettings {

  private static final ListenerSettings INHERIT = builder().build();

  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Boolean nextUpstream;
  private final Integer nextUpstreamTries;
  private final Duration nextUpstreamTimeout;
  private final AccessRules accessRules;
  private final Integer maxConnections;
  private final Integer maxConnectionsPerClient;
  private final boolean accessLogSet;
  private final AccessLog accessLog;
  private final ProxyProtocol sendProxyProtocol;
  private final Duration proxyProtocolTimeout;
  private final List<IpCidr> realIpFrom;

  private ListenerSettings(Builder b) {
    this.sendProxyProtocol = b.sendProxyProtocol;
    this.proxyProtocolTimeout = b.proxyProtocolTimeout;
    this.realIpFrom = b.realIpFrom;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.nextUpstream = b.nextUpstream;
    this.nextUpstreamTries = b.nextUpstreamTries;
    this.nextUpstreamTimeout = b.nextUpstreamTimeout;
    this.accessRules = b.accessRules;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerClient = b.maxConnectionsPerClient;
    this.accessLogSet = b.accessLogSet;
    this.accessLog = b.accessLog;
  }

  /** Sets nothing: everything comes from the proxy's defaults. */
  public static ListenerSettings inherit() {
    return INHERIT;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Every value set, to nginx's defaults: what a proxy's listeners inherit unless told otherwise.
   */
  static Builder nginxDefaults() {
    return builder()
        .connectTimeout(Proxy.DEFAULT_CONNECT_TIMEOUT)
        .idleTimeout(Proxy.DEFAULT_IDLE_TIMEOUT)
        .nextUpstream(true)
        .nextUpstreamTries(0)
        .nextUpstreamTimeout(Duration.ZERO)
        .accessRules(AccessRules.allowAll())
        .maxConnections(0)
        .maxConnectionsPerClient(0)
        .accessLog(null)
        .sendProxyProtocol(ProxyProtocol.OFF)
        .proxyProtocolTimeout(Proxy.DEFAULT_PROXY_PROTOCOL_TIMEOUT)
        .realIpFrom(List.of());
  }

  /** These settings, each one unset here taken from {@code defaults}. */
  ListenerSettings orElse(ListenerSettings defaults) {
    Builder b = new Builder();
    b.connectTimeout = connectTimeout != null ? connectTimeout : defaults.connectTimeout;
    b.idleTimeout = idleTimeout != null ? idleTimeout : defaults.idleTimeout;
    b.nextUpstream = nextUpstream != null ? nextUpstream : defaults.nextUpstream;
    b.nextUpstreamTries =
        nextUpstreamTries != null ? nextUpstreamTries : defaults.nextUpstreamTries;
    b.nextUpstreamTimeout =
        nextUpstreamTimeout != null ? nextUpstreamTimeout : defaults.nextUpstreamTimeout;
    b.accessRules = accessRules != null ? accessRules : defaults.accessRules;
    b.maxConnections = maxConnections != null ? maxConnections : defaults.maxConnections;
    b.maxConnectionsPerClient =
        maxConnectionsPerClient != null
            ? maxConnectionsPerClient
            : defaults.maxConnectionsPerClient;
    b.accessLogSet = accessLogSet || defaults.accessLogSet;
    b.accessLog = accessLogSet ? accessLog : defaults.accessLog;
    b.sendProxyProtocol =
        sendProxyProtocol != null ? sendProxyProtocol : defaults.sendProxyProtocol;
    b.proxyProtocolTimeout =
        proxyProtocolTimeout != null ? proxyProtocolTimeout : defaults.proxyProtocolTimeout;
    b.realIpFrom = realIpFrom != null ? realIpFrom : defaults.realIpFrom;
    return b.build();
  }

  // Read only on settings completed by orElse over the proxy's defaults, where every value is set.

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * The servers a session may try: one with {@code proxy_next_upstream off}, else the tries set (0:
   * all).
   */
  int nextUpstreamTries() {
    return nextUpstream ? nextUpstreamTries : 1;
  }

  Duration nextUpstreamTimeout() {
    return nextUpstreamTimeout;
  }

  AccessRules accessRules() {
    return accessRules;
  }

  int maxConnections() {
    return maxConnections;
  }

  int maxConnectionsPerClient() {
    return maxConnectionsPerClient;
  }

  /** The access log, or null when off. */
  AccessLog accessLog() {
    return accessLog;
  }

  ProxyProtocol sendProxyProtocol() {
    return sendProxyProtocol;
  }

  Duration proxyProtocolTimeout() {
    return proxyProtocolTimeout;
  }

  List<IpCidr> realIpFrom() {
    return realIpFrom;
  }

  /**
   * Builds {@link ListenerSettings}; every method validates its argument and says the allowed
   * range.
   */
  public static final class Builder {
    private Duration connectTimeout;
    private Duration idleTimeout;
    private Boolean nextUpstream;
    private Integer nextUpstreamTries;
    private Duration nextUpstreamTimeout;
    private AccessRules accessRules;
    private Integer maxConnections;
    private Integer maxConnectionsPerClient;
    private boolean accessLogSet;
    private AccessLog accessLog;
    private ProxyProtocol sendProxyProtocol;
    private Duration proxyProtocolTimeout;
    private List<IpCidr> realIpFrom;

    private Builder() {}

    /** nginx {@code proxy_connect_timeout}, default 60 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /**
     * nginx {@code proxy_timeout}: no byte either way for this long ends the session; 0 disables.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = notNegative(timeout, "idle timeout");
      return this;
    }

    /**
     * nginx {@code proxy_next_upstream}: off tries one server only; on (default) moves on after a
     * failed connect.
     */
    public Builder nextUpstream(boolean on) {
      this.nextUpstream = on;
      return this;
    }

    /** nginx {@code proxy_next_upstream_tries}; 0 (default) means every server may be tried. */
    public Builder nextUpstreamTries(int tries) {
      this.nextUpstreamTries = notNegative(tries, "next upstream tries");
      return this;
    }

    /** nginx {@code proxy_next_upstream_timeout}; 0 (default) means no limit. */
    public Builder nextUpstreamTimeout(Duration timeout) {
      this.nextUpstreamTimeout = notNegative(timeout, "next upstream timeout");
      return this;
    }

    /** nginx {@code allow}/{@code deny}; default allows every client. */
    public Builder accessRules(AccessRules rules) {
      this.accessRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** The most sessions on this listener; more are refused with 503. 0 (default): no limit. */
    public Builder maxConnections(int max) {
      this.maxConnections = notNegative(max, "max connections");
      return this;
    }

    /**
     * The most sessions per client address on this listener (nginx {@code limit_conn} on {@code
     * $binary_remote_addr} in this {@code server {}}); 503 above. 0 (default): no limit.
     */
    public Builder maxConnectionsPerClient(int max) {
      this.maxConnectionsPerClient = notNegative(max, "max connections per client");
      return this;
    }

    /**
     * Where this listener's sessions are logged; null: no access log. The proxy closes it when it
     * stops.
     */
    public Builder accessLog(AccessLog log) {
      this.accessLog = log;
      this.accessLogSet = true;
      return this;
    }

    /**
     * nginx {@code proxy_protocol on}: each backend connection starts with a PROXY header carrying
     * the client's addresses, before any client byte; {@link ProxyProtocol#OFF} (default) sends
     * none. nginx sends {@link ProxyProtocol#V1}.
     */
    public Builder sendProxyProtocol(ProxyProtocol version) {
      this.sendProxyProtocol = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * nginx {@code proxy_protocol_timeout}: how long a listener that expects a PROXY header ({@link
     * Proxy.Listener#proxyProtocol()}) waits for all of it before ending the session; default 30 s.
     */
    public Builder proxyProtocolTimeout(Duration timeout) {
      this.proxyProtocolTimeout = positive(timeout, "proxy protocol timeout");
      return this;
    }

    /**
     * nginx {@code set_real_ip_from} ({@code ngx_stream_realip_module}): when the connecting peer
     * lies in one of these prefixes, the source address of its PROXY header becomes the client's
     * address for {@code $remote_addr}, access rules, connection limits, hashing and the header
     * sent on to backends. Empty (default): the connecting peer stays the client.
     */
    public Builder realIpFrom(List<IpCidr> trusted) {
      this.realIpFrom = List.copyOf(Objects.requireNonNull(trusted, "trusted"));
      return this;
    }

    public ListenerSettings build() {
      return new ListenerSettings(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be > 0, got " + d);
      }
      return d;
    }

    private static Duration notNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must be >= 0, got " + d);
      }
      return d;
    }

    private static int notNegative(int n, String what) {
      if (n < 0) {
        throw new IllegalArgumentException(what + " must be >= 0, got " + n);
      }
      return n;
    }
  }
}
