package org.ha4j.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.proxy.AccessLog;
import org.ha4j.proxy.AccessLogFormat;
import org.ha4j.proxy.ListenerSettings;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyProtocol;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.nginx.NginxStreamConfig;

/**
 * The node's proxy: one {@link Proxy} serving every nginx {@code server {}} block, which can be
 * stopped and started again while the node runs (what {@code systemctl stop nginx} / {@code start
 * nginx} do to the seed's LB1).
 *
 * <p>A {@link Proxy} starts once, so every start builds fresh proxies (and fresh upstream state, as
 * an nginx restart does). The node's VRRP instance tracks {@link #health()}, one source that
 * outlives the restarts: UP while every proxy is running with its listener bound and a backend
 * available.
 */
final class InProcessProxy implements Lifecycle {

  /** nginx's listen backlog on Linux when {@code backlog=} is absent. */
  static final int DEFAULT_BACKLOG = 511;

  private NginxStreamConfig config;
  private final RelayKind relay;
  private final Duration drainTimeout;
  private final Consumer<String> events;
  private final HealthSignal health;
  private final List<Proxy> running = new ArrayList<>();
  private final List<HealthSource.Subscription> subscriptions = new ArrayList<>();

  InProcessProxy(
      NginxStreamConfig config, RelayKind relay, Duration drainTimeout, Consumer<String> events) {
    this.config = Objects.requireNonNull(config, "config");
    this.relay = Objects.requireNonNull(relay, "relay");
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.events = Objects.requireNonNull(events, "events");
    this.health = HealthSignal.down("proxy", "not started");
  }

  /**
   * What a proxy needs of an nginx {@code stream {}} beyond loading: a server block, upstreams and
   * log formats that build. Adds each problem with the server's file:line; binds and opens nothing.
   */
  static void validate(String nginxFile, NginxStreamConfig nginx, List<ConfigProblem> problems) {
    if (nginx.servers().isEmpty()) {
      problems.add(
          new ConfigProblem(
              ConfigProblem.Severity.ERROR,
              new ConfigLocation(nginxFile, 1),
              "server",
              "a proxy needs a stream { server { listen; proxy_pass } } block"));
    }
    for (NginxStreamConfig.Server server : nginx.servers()) {
      try {
        upstream(nginx, server);
      } catch (IllegalArgumentException e) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR, server.location(), "proxy_pass", e.getMessage()));
      }
      if (server.accessLogPath().isPresent() && server.accessLogFormat().isPresent()) {
        try {
          AccessLogFormat.parse(server.accessLogFormat().get());
        } catch (IllegalArgumentException e) {
          problems.add(
              new ConfigProblem(
                  ConfigProblem.Severity.ERROR, server.location(), "log_format", e.getMessage()));
        }
      }
    }
  }

  /**
   * The proxy's health, stable across restarts: what replaces the seed's {@code check_nginx.sh}.
   */
  HealthSource health() {
    return health;
  }

  synchronized boolean isRunning() {
    return !running.isEmpty();
  }

  /**
   * Builds the node's proxy without starting it: one {@link Proxy} with a listener per {@code
   * server {}} block, each with that block's own settings, on one event-loop group and one relay;
   * servers that name the same {@code upstream} share its state, as in nginx. Throws
   * IllegalArgumentException naming what is wrong.
   */
  synchronized List<Proxy> build() throws IOException {
    return List.of(build(config));
  }

  /**
   * {@code config}'s proxy, built as the running one is (same relay, drain timeout and threads), so
   * that the running proxy can adopt it.
   */
  private Proxy build(NginxStreamConfig config) throws IOException {
    Map<String, Upstream> upstreams = new HashMap<>();
    Proxy.Builder builder = Proxy.builder().relay(relay).drainTimeout(drainTimeout);
    for (NginxStreamConfig.Server server : config.servers()) {
      Upstream upstream =
          upstreams.computeIfAbsent(server.proxyPass(), name -> upstream(config, server));
      builder.listen(
          new Proxy.Listener(
              server.listenAddress(),
              upstream,
              server.backlog().orElse(DEFAULT_BACKLOG),
              server.reusePort(),
              settings(server),
              server.proxyProtocol().accept()));
    }
    return builder.build();
  }

  /**
   * Makes {@code next} the proxy's configuration. While the proxy runs it adopts {@code next} in
   * place: listeners that stay keep their sockets, new ones are bound first, removed ones and
   * removed servers drain, upstream and server state carries over. Stopped, it starts with {@code
   * next} next time.
   *
   * <p>Not serialized with {@link #stop()}: the node calls it under its own lock.
   *
   * @throws IOException a new listener cannot be bound, or an access log opened: nothing changed
   */
  void reconfigure(NginxStreamConfig next, ProxyPlan plan) throws IOException {
    Objects.requireNonNull(next, "next");
    Proxy target;
    synchronized (this) {
      target = running.isEmpty() || plan.isEmpty() ? null : running.get(0);
    }
    if (target != null) {
      // Outside this object's monitor: the proxy may tell its health to refresh() from an event
      // loop while the reconfigure waits for that loop.
      target.reconfigure(build(next));
      for (NginxStreamConfig.Server server : next.servers()) {
        if (plan.listenersAdded().contains(server.listenText())) {
          events.accept("PROXY listening on " + server.listenText() + " -> " + server.proxyPass());
        }
      }
      plan.listenersRemoved().forEach(l -> events.accept("PROXY closed " + l + " (draining)"));
    }
    synchronized (this) {
      config = next;
    }
    refresh();
  }

  private static ListenerSettings settings(NginxStreamConfig.Server server) throws IOException {
    ListenerSettings.Builder settings =
        ListenerSettings.builder()
            .connectTimeout(server.connectTimeout())
            .idleTimeout(server.idleTimeout())
            .nextUpstream(server.nextUpstream())
            .nextUpstreamTries(server.nextUpstreamTries())
            .nextUpstreamTimeout(server.nextUpstreamTimeout())
            .accessRules(server.access())
            .sendProxyProtocol(server.proxyProtocol().send() ? ProxyProtocol.V1 : ProxyProtocol.OFF)
            .proxyProtocolTimeout(server.proxyProtocol().timeout())
            .realIpFrom(server.proxyProtocol().realIpFrom());
    server.maxConnections().ifPresent(settings::maxConnections);
    server.maxConnectionsPerClient().ifPresent(settings::maxConnectionsPerClient);
    if (server.accessLogPath().isPresent()) {
      String format = server.accessLogFormat().orElse(AccessLogFormat.REFERENCE_FORMAT);
      settings.accessLog(
          AccessLog.toFile(Path.of(server.accessLogPath().get()), AccessLogFormat.parse(format)));
    }
    return settings.build();
  }

  /**
   * The upstream a server block proxies to: a named {@code upstream} block, or a single {@code
   * host:port}.
   */
  static Upstream upstream(NginxStreamConfig config, NginxStreamConfig.Server server) {
    return config
        .upstream(server.proxyPass())
        .map(
            u ->
                new Upstream(
                    u.name(),
                    BalancingStrategies.parse(u.method().orElse("")),
                    u.servers().stream().map(line -> ServerSpec.parse(line.text())).toList()))
        .orElseGet(
            () ->
                new Upstream(
                    server.proxyPass(),
                    BalancingStrategies.roundRobin(),
                    List.of(ServerSpec.parse(server.proxyPass()))));
  }

  @Override
  public synchronized void start() throws Exception {
    if (!running.isEmpty()) {
      return;
    }
    List<Proxy> proxies = List.of(build(config));
    try {
      for (Proxy proxy : proxies) {
        proxy.start();
        running.add(proxy);
      }
    } catch (Exception e) {
      stopRunning();
      throw e;
    }
    for (Proxy proxy : running) {
      subscriptions.add(proxy.subscribe((source, before, now) -> refresh()));
      for (NginxStreamConfig.Server server : config.servers()) {
        events.accept(
            "PROXY listening on "
                + server.listenText()
                + " -> "
                + server.proxyPass()
                + " ("
                + proxy.relay().name().toLowerCase(java.util.Locale.ROOT)
                + " relay)");
      }
    }
    refresh();
  }

  /** Closes the listeners, lets sessions drain (up to the drain timeout), releases everything. */
  @Override
  public synchronized void stop() {
    if (running.isEmpty()) {
      return;
    }
    // Say DOWN before draining: the VRRP instance resigns now, clients move while sessions finish
    // here.
    health.set(Health.down("proxy stopped"));
    stopRunning();
    events.accept("PROXY stopped");
  }

  private void stopRunning() {
    subscriptions.forEach(HealthSource.Subscription::close);
    subscriptions.clear();
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).stop();
    }
    running.clear();
    health.set(Health.down("proxy stopped"));
  }

  private synchronized void refresh() {
    if (running.isEmpty()) {
      return;
    }
    for (Proxy proxy : running) {
      Health h = proxy.current();
      if (!h.isUp()) {
        health.set(Health.down(proxy.name() + ": " + h.cause()));
        return;
      }
    }
    health.set(Health.up());
  }

  /** One line per proxy with its counters, for {@code status}. */
  /** The running proxy, if any: one serves every server block. */
  synchronized Optional<Proxy> current() {
    return running.isEmpty() ? Optional.empty() : Optional.of(running.get(0));
  }

  synchronized List<String> status() {
    List<String> out = new ArrayList<>();
    for (Proxy proxy : running) {
      out.add("proxy " + proxy.name() + " " + proxy.current() + " " + proxy.listenerStats());
    }
    if (out.isEmpty()) {
      out.add("proxy stopped");
    }
    return out;
  }
}
