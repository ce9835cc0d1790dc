package org.ha4j.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * <p>Bind after the proxy started, so that listeners on port 0 are tagged with the port they got;
 * the listeners and servers are the ones it has when bound. A node's proxy can be stopped and
 * started again with the same configuration: built on {@code node::runningProxy}, the meters follow
 * each new proxy and read 0 while none runs (its counters start from 0 again, as a restarted
 * nginx's do).
 */
public final class ProxyMetrics implements MeterBinder {

  private final Supplier<Optional<Proxy>> proxy;

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
    Proxy now =
        proxy
            .get()
            .orElseThrow(
                () -> new IllegalStateException("bind after start: no proxy runs to meter"));
    List<ListenerStats> listeners = now.listenerStats();
    for (int i = 0; i < listeners.size(); i++) {
      bindListener(registry, i, Tags.of("listener", listeners.get(i).address()));
    }
    for (Map.Entry<String, List<BackendStats>> upstream : now.backendStats().entrySet()) {
      for (BackendStats server : upstream.getValue()) {
        bindServer(registry, upstream.getKey(), server.server());
      }
    }
    for (ProxyFault fault : ProxyFault.values()) {
      counter(
          registry,
          "ha4j.proxy.faults",
          "expected faults, each also logged by name",
          Tags.of("fault", fault.name()),
          null,
          p -> p.faults().getOrDefault(fault, 0L));
    }
    gauge(
        registry,
        "ha4j.proxy.relay.buffered",
        "bytes read from one side of a session and not yet written to the other",
        Tags.empty(),
        Proxy::bufferedBytes);
    gauge(
        registry,
        "ha4j.proxy.relay.pipes",
        "pipes the splice relay keeps for reuse",
        Tags.empty(),
        Proxy::pooledPipes);
    Gauge.builder("ha4j.proxy.direct.memory", ProxyMetrics::nettyDirectMemory)
        .description("direct memory held by Netty's default buffer allocator, pooled or in use")
        .baseUnit(BaseUnits.BYTES)
        .register(registry);
  }

  /** Netty's own count: its pooled allocator takes direct memory the JDK's buffer pools miss. */
  private static double nettyDirectMemory() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider metered
        ? metered.metric().usedDirectMemory()
        : Double.NaN;
  }

  private void bindListener(MeterRegistry registry, int index, Tags tags) {
    counter(
        registry,
        "ha4j.proxy.connections",
        "connections accepted",
        tags,
        null,
        listener(index, ListenerStats::accepted));
    gauge(
        registry,
        "ha4j.proxy.sessions.active",
        "sessions in progress",
        tags,
        listener(index, ListenerStats::active));
    String ended = "sessions ended, by nginx's $status";
    counter(
        registry,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "200"),
        null,
        listener(index, ListenerStats::byStatus200));
    counter(
        registry,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "403"),
        null,
        listener(index, ListenerStats::forbidden));
    counter(
        registry,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "502"),
        null,
        listener(index, ListenerStats::badGateway));
    counter(
        registry,
        "ha4j.proxy.sessions.ended",
        ended,
        tags.and("status", "503"),
        null,
        listener(index, ListenerStats::unavailable));
    counter(
        registry,
        "ha4j.proxy.bytes",
        "bytes received from clients",
        tags.and("direction", "from_client"),
        BaseUnits.BYTES,
        listener(index, ListenerStats::bytesReceived));
    counter(
        registry,
        "ha4j.proxy.bytes",
        "bytes sent to clients",
        tags.and("direction", "to_client"),
        BaseUnits.BYTES,
        listener(index, ListenerStats::bytesSent));
    counter(
        registry,
        "ha4j.proxy.accept.failures",
        "accept() calls that failed",
        tags,
        null,
        listener(index, ListenerStats::acceptFailures));
    timer(
        registry,
        "ha4j.proxy.session.duration",
        "sessions ended and how long they lasted, from accept to end",
        tags,
        listener(index, ListenerStats::ended),
        listener(index, ListenerStats::sessionNanos));
  }

  private void bindServer(MeterRegistry registry, String upstream, String server) {
    Tags tags = Tags.of("upstream", upstream, "server", server);
    counter(
        registry,
        "ha4j.backend.picks",
        "times the balancer chose the server",
        tags,
        null,
        server(upstream, server, BackendStats::picks));
    counter(
        registry,
        "ha4j.backend.sessions",
        "sessions connected to the server",
        tags,
        null,
        server(upstream, server, BackendStats::sessions));
    counter(
        registry,
        "ha4j.backend.connect.failures",
        "connection attempts that failed or timed out",
        tags,
        null,
        server(upstream, server, BackendStats::connectFailures));
    counter(
        registry,
        "ha4j.backend.bytes",
        "bytes sent to the server",
        tags.and("direction", "to_backend"),
        BaseUnits.BYTES,
        server(upstream, server, BackendStats::bytesSent));
    counter(
        registry,
        "ha4j.backend.bytes",
        "bytes received from the server",
        tags.and("direction", "from_backend"),
        BaseUnits.BYTES,
        server(upstream, server, BackendStats::bytesReceived));
    gauge(
        registry,
        "ha4j.backend.sessions.active",
        "sessions in progress, connection attempts included",
        tags,
        server(upstream, server, BackendStats::active));
    gauge(
        registry,
        "ha4j.backend.usable",
        "1 while the server could take a session",
        tags,
        server(upstream, server, b -> b.usable() ? 1 : 0));
    gauge(
        registry,
        "ha4j.backend.healthy",
        "1 while the server's active health check passes (always 1 without one)",
        tags,
        server(upstream, server, b -> b.healthy() ? 1 : 0));
    gauge(
        registry,
        "ha4j.backend.weight",
        "current weight",
        tags,
        server(upstream, server, BackendStats::weight));
    timer(
        registry,
        "ha4j.backend.connect.time",
        "connects to the server that succeeded and the time they took",
        tags,
        server(upstream, server, BackendStats::sessions),
        server(upstream, server, BackendStats::connectNanos));
  }

  private static ToDoubleFunction<Proxy> listener(
      int index, ToDoubleFunction<ListenerStats> value) {
    return p -> value.applyAsDouble(p.listenerStats().get(index));
  }

  /** A server removed since binding reads as 0 rather than failing the scrape. */
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
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<Proxy> value) {
    Gauge.builder(name, this, m -> m.read(value))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private void timer(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<Proxy> count,
      ToDoubleFunction<Proxy> totalNanos) {
    FunctionTimer.builder(
            name, this, m -> (long) m.read(count), m -> m.read(totalNanos), TimeUnit.NANOSECONDS)
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      String baseUnit,
      ToDoubleFunction<Proxy> value) {
    FunctionCounter.builder(name, this, m -> m.read(value))
        .description(description)
        .tags(tags)
        .baseUnit(baseUnit)
        .register(registry);
  }
}
