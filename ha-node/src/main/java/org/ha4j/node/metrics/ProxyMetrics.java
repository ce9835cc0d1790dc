package org.ha4j.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;

/**
 * Meters of a {@link Proxy}: per listener (tag {@code listener}, the bound address), per backend
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
 *   <li>{@code ha4j.backend.picks}, {@code ha4j.backend.sessions}, {@code
 *       ha4j.backend.connect.failures} (counters), {@code ha4j.backend.bytes} (counter, {@code
 *       direction} = {@code to_backend} or {@code from_backend}), {@code
 *       ha4j.backend.sessions.active}, {@code ha4j.backend.usable}, {@code ha4j.backend.healthy},
 *       {@code ha4j.backend.weight} (gauges);
 *   <li>{@code ha4j.proxy.faults} (counter, tag {@code fault}, a {@link ProxyFault} name);
 *   <li>{@code ha4j.proxy.relay.buffered} (gauge, bytes held between the two sides) and {@code
 *       ha4j.proxy.relay.pipes} (gauge, pooled splice pipes).
 * </ul>
 *
 * <p>Bind after {@link Proxy#start()} so that listeners on port 0 are tagged with the port they
 * got. Backends are the ones configured when bound.
 */
public final class ProxyMetrics implements MeterBinder {

  private final Proxy proxy;

  public ProxyMetrics(Proxy proxy) {
    this.proxy = Objects.requireNonNull(proxy, "proxy");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    List<ListenerStats> listeners = proxy.listenerStats();
    for (int i = 0; i < listeners.size(); i++) {
      bindListener(registry, i, Tags.of("listener", listeners.get(i).address()));
    }
    proxy
        .backendStats()
        .forEach(
            (upstream, servers) -> {
              for (BackendStats backend : servers) {
                bindBackend(registry, upstream, backend.server());
              }
            });
    for (ProxyFault fault : ProxyFault.values()) {
      counter(
          registry,
          "ha4j.proxy.faults",
          "expected faults, each also logged by name",
          Tags.of("fault", fault.name()),
          null,
          p -> p.faults().getOrDefault(fault, 0L));
    }
    Gauge.builder("ha4j.proxy.relay.buffered", proxy, Proxy::bufferedBytes)
        .description("bytes read from one side of a session and not yet written to the other")
        .baseUnit(BaseUnits.BYTES)
        .strongReference(true)
        .register(registry);
    Gauge.builder("ha4j.proxy.relay.pipes", proxy, Proxy::pooledPipes)
        .description("pipes the splice relay keeps for reuse")
        .strongReference(true)
        .register(registry);
  }

  private void bindListener(MeterRegistry registry, int index, Tags tags) {
    counter(
        registry,
        "ha4j.proxy.connections",
        "connections accepted",
        tags,
        null,
        p -> listener(p, index).accepted());
    Gauge.builder("ha4j.proxy.sessions.active", proxy, p -> listener(p, index).active())
        .description("sessions in progress")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    ended(registry, tags, "200", index, ListenerStats::byStatus200);
    ended(registry, tags, "403", index, ListenerStats::forbidden);
    ended(registry, tags, "502", index, ListenerStats::badGateway);
    ended(registry, tags, "503", index, ListenerStats::unavailable);
    counter(
        registry,
        "ha4j.proxy.bytes",
        "bytes received from clients",
        tags.and("direction", "from_client"),
        BaseUnits.BYTES,
        p -> listener(p, index).bytesReceived());
    counter(
        registry,
        "ha4j.proxy.bytes",
        "bytes sent to clients",
        tags.and("direction", "to_client"),
        BaseUnits.BYTES,
        p -> listener(p, index).bytesSent());
    counter(
        registry,
        "ha4j.proxy.accept.failures",
        "accept() calls that failed",
        tags,
        null,
        p -> listener(p, index).acceptFailures());
  }

  private void ended(
      MeterRegistry registry,
      Tags tags,
      String status,
      int index,
      ToDoubleFunction<ListenerStats> count) {
    counter(
        registry,
        "ha4j.proxy.sessions.ended",
        "sessions ended, by nginx's $status",
        tags.and("status", status),
        null,
        p -> count.applyAsDouble(listener(p, index)));
  }

  private void bindBackend(MeterRegistry registry, String upstream, String server) {
    Tags tags = Tags.of("upstream", upstream, "server", server);
    counter(
        registry,
        "ha4j.backend.picks",
        "times the balancer chose the server",
        tags,
        null,
        p -> backend(p, upstream, server).picks());
    counter(
        registry,
        "ha4j.backend.sessions",
        "sessions connected to the server",
        tags,
        null,
        p -> backend(p, upstream, server).sessions());
    counter(
        registry,
        "ha4j.backend.connect.failures",
        "connection attempts that failed or timed out",
        tags,
        null,
        p -> backend(p, upstream, server).connectFailures());
    counter(
        registry,
        "ha4j.backend.bytes",
        "bytes sent to the server",
        tags.and("direction", "to_backend"),
        BaseUnits.BYTES,
        p -> backend(p, upstream, server).bytesSent());
    counter(
        registry,
        "ha4j.backend.bytes",
        "bytes received from the server",
        tags.and("direction", "from_backend"),
        BaseUnits.BYTES,
        p -> backend(p, upstream, server).bytesReceived());
    backendGauge(
        registry,
        "ha4j.backend.sessions.active",
        "sessions in progress, connection attempts included",
        tags,
        upstream,
        server,
        BackendStats::active);
    backendGauge(
        registry,
        "ha4j.backend.usable",
        "1 while the server could take a session",
        tags,
        upstream,
        server,
        b -> b.usable() ? 1 : 0);
    backendGauge(
        registry,
        "ha4j.backend.healthy",
        "1 while the server's active health check passes (always 1 without one)",
        tags,
        upstream,
        server,
        b -> b.healthy() ? 1 : 0);
    backendGauge(
        registry, "ha4j.backend.weight", "current weight", tags, upstream, server, b -> b.weight());
  }

  private void backendGauge(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      String upstream,
      String server,
      ToDoubleFunction<BackendStats> value) {
    Gauge.builder(name, proxy, p -> value.applyAsDouble(backend(p, upstream, server)))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      String baseUnit,
      ToDoubleFunction<Proxy> value) {
    FunctionCounter.builder(name, proxy, value)
        .description(description)
        .tags(tags)
        .baseUnit(baseUnit)
        .register(registry);
  }

  private static ListenerStats listener(Proxy proxy, int index) {
    return proxy.listenerStats().get(index);
  }

  /**
   * The server's current counters; a server removed since binding reads as zeros rather than
   * failing the scrape.
   */
  private static BackendStats backend(Proxy proxy, String upstream, String server) {
    for (BackendStats stats : proxy.backendStats().getOrDefault(upstream, List.of())) {
      if (stats.server().equals(server)) {
        return stats;
      }
    }
    return new BackendStats(server, 0, 0, 0, 0, 0, 0, 0, false, false, false);
  }
}
