package org.ha4j.node.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;

/**
 * Meters of a {@link Proxy}: per listener (tag {@code listener}, the bound address), per server
 * (tags {@code upstream} and {@code server}), the expected faults by name, and the relay's buffers.
 *
 * <ul>
 *   <li>{@code ha4j.proxy.connections} (counter): connections accepted;
 *   <li>{@code ha4j.proxy.sessions.active} (gauge);
 *   <li>{@code ha4j.proxy.sessions.ended} (counter, tag {@code status} = nginx's {@code $status}:
 *       200, 403, 502, 503);
 *   <li>{@code ha4j.proxy.bytes} (counter, tag {@code direction} = {@code from_client} or {@code
 *       to_client});
 *   <li>{@code ha4j.proxy.accept.failures} (counter);
 *   <li>{@code ha4j.proxy.session.duration} (function timer: count and total time of the sessions
 *       ended, from accept to end, whatever their status);
 *   <li>{@code ha4j.backend.picks}, {@code ha4j.backend.sessions}, {@code
 *       ha4j.backend.connect.failures} (counters), {@code ha4j.backend.bytes} (counter, {@code
 *       direction} = {@code to_backend} or {@code from_backend}), {@code
 *       ha4j.backend.sessions.active}, {@code ha4j.backend.usable}, {@code ha4j.backend.healthy},
 *       {@code ha4j.backend.weight} (gauges);
 *   <li>{@code ha4j.backend.connect.time} (function timer: count and total time of the connects to
 *       the server that succeeded; total / count is the mean connect time, nginx's {@code
 *       $upstream_connect_time});
 *   <li>{@code ha4j.proxy.faults} (counter, tag {@code fault}, a {@link ProxyFault} name);
 *   <li>{@code ha4j.proxy.relay.buffered} (gauge, bytes held between the two sides) and {@code
 *       ha4j.proxy.relay.pipes} (gauge, pooled splice pipes), {@code ha4j.proxy.direct.memory}
 *       (gauge, bytes of direct memory Netty's default allocator holds: the proxy's buffers, pooled
 *       or in use).
 * </ul>
 *
 * <p>Bind after the proxy started, so that listeners on port 0 are tagged with the port they got.
 * The listeners and servers metered are the ones the proxy has when bound and at each {@link
 * #refresh()}: after a reload, new listeners and servers get their series, and the series of
 * removed ones are removed (a removed server's at once, even while its last sessions drain: they
 * still count on their listener's series); the series of listeners and servers that stayed keep
 * counting from where they were, since the proxy keeps their counts across a reload. A node's proxy
 * can be stopped and started again with the same configuration: built on {@code
 * node::runningProxy}, the meters follow each new proxy and read 0 while none runs (its counters
 * start from 0 again, as a restarted nginx's do).
 */
public final class ProxyMetrics implements RefreshableMeterBinder {

  private final Supplier<Optional<Proxy>> proxy;
  private final MeterGroups<String> listeners =
      new MeterGroups<>(this::listenerAddresses, this::bindListener);
  private final MeterGroups<ServerKey> servers =
      new MeterGroups<>(this::serverKeys, this::bindServer);
  // what the last proxy seen had: kept while none runs, so that its series read 0 until a restart
  private volatile List<String> lastListeners = List.of();
  private volatile List<ServerKey> lastServers = List.of();

  private record ServerKey(String upstream, String server) {}

  public ProxyMetrics(Proxy proxy) {
    Optional<Proxy> fixed = Optional.of(proxy);
    this.proxy = () -> fixed;
  }

  /**
   * @param proxy the proxy to read at each scrape, empty while there is none (for example {@code
   *     node::runningProxy})
   */
  public ProxyMetrics(Supplier<Optional<Proxy>> proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
  }

  /**
   * @throws IllegalStateException no proxy runs, so there are no listeners and servers to bind
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    if (proxy.get().isEmpty()) {
      throw new IllegalStateException("bind after start: no proxy runs to meter");
    }
    listeners.bindTo(registry);
    servers.bindTo(registry);
    Meters global = new Meters(registry);
    for (ProxyFault fault : ProxyFault.values()) {
      counter(
          global,
          "ha4j.proxy.faults",
          "expected faults, each also logged by name",
          Tags.of("fault", fault.name()),
          null,
          p -> p.faults().getOrDefault(fault, 0L));
    }
    gauge(
        global,
        "ha4j.proxy.relay.buffered",
        "bytes read from one side of a session and not yet written to the other",
        Tags.empty(),
        Proxy::bufferedBytes);
    gauge(
        global,
        "ha4j.proxy.relay.pipes",
        "pipes the splice relay keeps for reuse",
        Tags.empty(),
        Proxy::pooledPipes);
    Gauge.builder("ha4j.proxy.direct.memory", ProxyMetrics::nettyDirectMemory)
        .description("direct memory held by Netty's default buffer allocator, pooled or in use")
        .baseUnit(BaseUnits.BYTES)
        .register(registry);
  }

  @Override
  public void refresh() {
    listeners.sync();
    servers.sync();
  }

  private List<String> listenerAddresses() {
    proxy
        .get()
        .ifPresent(
            p -> lastListeners = p.listenerStats().stream().map(ListenerStats::address).toList());
    return lastListeners;
  }

  private List<ServerKey> serverKeys() {
    proxy
        .get()
        .ifPresent(
            p -> {
              List<ServerKey> keys = new ArrayList<>();
              p.backendStats()
                  .forEach(
                      (upstream, stats) ->
                          stats.forEach(b -> keys.add(new ServerKey(upstream, b.server()))));
              lastServers = keys;
            });
    return lastServers;
  }

  /** Netty's own count: its pooled allocator takes direct memory the JDK's buffer pools miss. */
  private static double nettyDirectMemory() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider metered
        ? metered.metric().usedDirectMemory()
        : Double.NaN;
  }

  private void bindListener(Meters meters, String address) {
    Tags tags = Tags.of("listener", address);
    counter(
        meters,
        "ha4j.proxy.connections",
        "connections accepted",
        tags,
        null,
        listener(address, ListenerStats::accepted));
    gauge(
        meters,
        "ha4j.proxy.sessions.active",
        "sessions in progress",
        tags,
        listener(address, ListenerStats::active));
    String ended = "sessions ended, by nginx's $status";
    counter(
        meters,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "200"),
        null,
        listener(address, ListenerStats::byStatus200));
    counter(
        meters,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "403"),
        null,
        listener(address, ListenerStats::forbidden));
    counter(
        meters,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "502"),
        null,
        listener(address, ListenerStats::badGateway));
    counter(
        meters,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "503"),
        null,
        listener(address, ListenerStats::unavailable));
    counter(
        meters,
        "ha4j.proxy.bytes",
        "bytes received from clients",
        tags.and("direction", "from_client"),
        BaseUnits.BYTES,
        listener(address, ListenerStats::bytesReceived));
    counter(
        meters,
        "ha4j.proxy.bytes",
        "bytes sent to clients",
        tags.and("direction", "to_client"),
        BaseUnits.BYTES,
        listener(address, ListenerStats::bytesSent));
    counter(
        meters,
        "ha4j.proxy.accept.failures",
        "accept() calls that failed",
        tags,
        null,
        listener(address, ListenerStats::acceptFailures));
    timer(
        meters,
        "ha4j.proxy.session.duration",
        "sessions ended and how long they lasted, from accept to end",
        tags,
        listener(address, ListenerStats::ended),
        listener(address, ListenerStats::sessionNanos));
  }

  private void bindServer(Meters meters, ServerKey key) {
    String upstream = key.upstream();
    String server = key.server();
    Tags tags = Tags.of("upstream", upstream, "server", server);
    counter(
        meters,
        "ha4j.backend.picks",
        "times the balancer chose the server",
        tags,
        null,
        server(upstream, server, BackendStats::picks));
    counter(
        meters,
        "ha4j.backend.sessions",
        "sessions connected to the server",
        tags,
        null,
        server(upstream, server, BackendStats::sessions));
    counter(
        meters,
        "ha4j.backend.connect.failures",
        "connection attempts that failed or timed out",
        tags,
        null,
        server(upstream, server, BackendStats::connectFailures));
    counter(
        meters,
        "ha4j.backend.bytes",
        "bytes sent to the server",
        tags.and("direction", "to_backend"),
        BaseUnits.BYTES,
        server(upstream, server, BackendStats::bytesSent));
    counter(
        meters,
        "ha4j.backend.bytes",
        "bytes received from the server",
        tags.and("direction", "from_backend"),
        BaseUnits.BYTES,
        server(upstream, server, BackendStats::bytesReceived));
    gauge(
        meters,
        "ha4j.backend.sessions.active",
        "sessions in progress, connection attempts included",
        tags,
        server(upstream, server, BackendStats::active));
    gauge(
        meters,
        "ha4j.backend.usable",
        "1 while the server could take a session",
        tags,
        server(upstream, server, b -> b.usable() ? 1 : 0));
    gauge(
        meters,
        "ha4j.backend.healthy",
        "1 while the server's active health check passes (always 1 without one)",
        tags,
        server(upstream, server, b -> b.healthy() ? 1 : 0));
    gauge(
        meters,
        "ha4j.backend.weight",
        "current weight",
        tags,
        server(upstream, server, BackendStats::weight));
    timer(
        meters,
        "ha4j.backend.connect.time",
        "connects to the server that succeeded and the time they took",
        tags,
        server(upstream, server, BackendStats::sessions),
        server(upstream, server, BackendStats::connectNanos));
  }

  /** A listener removed since its meters were registered reads as 0 rather than failing. */
  private static ToDoubleFunction<Proxy> listener(
      String address, ToDoubleFunction<ListenerStats> value) {
    return p -> {
      for (ListenerStats stats : p.listenerStats()) {
        if (stats.address().equals(address)) {
          return value.applyAsDouble(stats);
        }
      }
      return 0;
    };
  }

  /** A server removed since its meters were registered reads as 0 rather than failing. */
  private static ToDoubleFunction<Proxy> server(
      String upstream, String server, ToDoubleFunction<BackendStats> value) {
    return p -> {
      for (BackendStats stats : p.backendStats().getOrDefault(upstream, List.of())) {
        if (stats.server().equals(server)) {
          return value.applyAsDouble(stats);
        }
      }
      return 0;
    };
  }

  /** The value from the proxy running now, 0 while none runs. */
  private double read(ToDoubleFunction<Proxy> value) {
    return proxy.get().map(value::applyAsDouble).orElse(0.0);
  }

  private void gauge(
      Meters meters, String name, String description, Tags tags, ToDoubleFunction<Proxy> value) {
    meters.gauge(name, description, tags, this, m -> m.read(value));
  }

  private void timer(
      Meters meters,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<Proxy> count,
      ToDoubleFunction<Proxy> totalNanos) {
    meters.timer(name, description, tags, this, m -> m.read(count), m -> m.read(totalNanos));
  }

  private void counter(
      Meters meters,
      String name,
      String description,
      Tags tags,
      String baseUnit,
      ToDoubleFunction<Proxy> value) {
    meters.counter(name, description, tags, baseUnit, this, m -> m.read(value));
  }
}
