package org.ha4j.node;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.ha4j.core.health.Health;
import org.ha4j.health.ProbeStats;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.ProxyFault;
import org.ha4j.vrrp.VrrpInstanceSnapshot;

/**
 * What a node is doing at one instant, for people and for monitoring: its VRRP instances with their
 * state, priorities, master and VIPs, and its proxy with every listener and every server's health
 * and counters. {@link #toJson()} is the document that {@code /status} serves and the {@code USR1}
 * state dump writes.
 *
 * @param at when it was taken
 * @param instances the VRRP instances, in configuration order; empty before start
 * @param proxy the proxy, or {@code null} for a node without one
 * @param probes the health probes the node runs (its {@code vrrp_script}s), in no particular order
 */
public record NodeState(
    Instant at, List<Instance> instances, ProxyState proxy, List<ProbeState> probes) {

  public NodeState {
    Objects.requireNonNull(at, "at");
    instances = List.copyOf(instances);
    probes = List.copyOf(probes);
  }

  /** A node without health probes. */
  public NodeState(Instant at, List<Instance> instances, ProxyState proxy) {
    this(at, instances, proxy, List.of());
  }

  /**
   * One health probe.
   *
   * @param name its name, e.g. the {@code vrrp_script}'s
   * @param health its status (after rise/fall) with the latest cause
   * @param stats its results and latency so far
   */
  public record ProbeState(String name, Health health, ProbeStats stats) {
    public ProbeState {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(health, "health");
      Objects.requireNonNull(stats, "stats");
    }

    /** The probe's figures now. */
    public static ProbeState of(ScheduledProbe probe) {
      return new ProbeState(probe.name(), probe.current(), probe.stats());
    }
  }

  /**
   * One VRRP instance.
   *
   * @param vrrp its snapshot: state, priorities, master, counters
   * @param virtualAddresses the addresses it holds as MASTER, as configured
   */
  public record Instance(VrrpInstanceSnapshot vrrp, List<String> virtualAddresses) {
    public Instance {
      Objects.requireNonNull(vrrp, "vrrp");
      virtualAddresses = List.copyOf(virtualAddresses);
    }
  }

  /**
   * The proxy.
   *
   * @param running whether it is running (a node's proxy can be stopped and started on its own)
   * @param activeSessions sessions in progress
   * @param listeners every listener's counters
   * @param upstreams every upstream's servers with health and counters, by upstream name
   * @param faults how often each expected fault happened
   */
  public record ProxyState(
      boolean running,
      int activeSessions,
      List<ListenerStats> listeners,
      Map<String, List<BackendStats>> upstreams,
      Map<ProxyFault, Long> faults) {
    public ProxyState {
      listeners = List.copyOf(listeners);
      upstreams = Map.copyOf(upstreams);
      faults = Map.copyOf(faults);
    }

    /**
     * The figures of {@code proxy} now; empty (a node's proxy stopped, or not started yet) reads as
     * not running, with no listener, server or fault.
     */
    public static ProxyState of(Optional<Proxy> proxy) {
      return proxy
          .map(
              p ->
                  new ProxyState(
                      true, p.activeSessions(), p.listenerStats(), p.backendStats(), p.faults()))
          .orElseGet(() -> new ProxyState(false, 0, List.of(), Map.of(), Map.of()));
    }
  }

  /** The state as one JSON object; field names are the record components'. */
  public String toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("at", at.toString());
    List<Object> vrrp = new ArrayList<>();
    for (Instance instance : instances) {
      VrrpInstanceSnapshot s = instance.vrrp();
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("name", s.name());
      i.put("state", s.state().name());
      i.put("basePriority", s.basePriority());
      i.put("effectivePriority", s.effectivePriority());
      i.put("master", s.masterAddress().map(Object::toString).orElse(null));
      i.put("source", s.sourceAddress().toString());
      i.put("interfaceUp", s.interfaceUp());
      i.put("virtualAddresses", instance.virtualAddresses());
      i.put("advertsSent", s.advertsSent());
      i.put("advertsReceived", s.advertsReceived());
      i.put("droppedPackets", new TreeMap<>(s.droppedPackets()));
      i.put("sendFailures", s.sendFailures());
      i.put("transitions", new TreeMap<>(s.transitions()));
      vrrp.add(i);
    }
    doc.put("instances", vrrp);
    doc.put("proxy", proxy == null ? null : proxyJson(proxy));
    List<Object> checks = new ArrayList<>();
    for (ProbeState probe : probes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", probe.name());
      m.put("status", probe.health().status().name());
      m.put("cause", probe.health().cause());
      m.put("successes", probe.stats().successes());
      Map<String, Object> failures = new LinkedHashMap<>();
      probe.stats().failures().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(f -> failures.put(f.getKey().name(), f.getValue()));
      m.put("failures", failures);
      m.put("latencyMeanMs", meanMillis(probe.stats().latencyNanos(), probe.stats().timedRuns()));
      checks.add(m);
    }
    doc.put("probes", checks);
    return Json.value(doc);
  }

  /** Milliseconds to the microsecond, null when nothing was timed. */
  private static BigDecimal meanMillis(long totalNanos, long count) {
    return count == 0
        ? null
        : BigDecimal.valueOf(totalNanos)
            .divide(BigDecimal.valueOf(count * 1_000_000L), 3, RoundingMode.HALF_UP);
  }

  private static Map<String, Object> proxyJson(ProxyState p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("running", p.running());
    out.put("activeSessions", p.activeSessions());
    List<Object> listeners = new ArrayList<>();
    for (ListenerStats l : p.listeners()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", l.address());
      m.put("accepted", l.accepted());
      m.put("active", l.active());
      m.put("status200", l.byStatus200());
      m.put("status403", l.forbidden());
      m.put("status502", l.badGateway());
      m.put("status503", l.unavailable());
      m.put("bytesFromClients", l.bytesReceived());
      m.put("bytesToClients", l.bytesSent());
      m.put("acceptFailures", l.acceptFailures());
      m.put("sessionsEnded", l.ended());
      m.put("sessionMeanMs", meanMillis(l.sessionNanos(), l.ended()));
      listeners.add(m);
    }
    out.put("listeners", listeners);
    Map<String, Object> upstreams = new TreeMap<>();
    p.upstreams()
        .forEach(
            (name, servers) -> {
              List<Object> list = new ArrayList<>();
              for (BackendStats b : servers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("server", b.server());
                m.put("weight", b.weight());
                m.put("usable", b.usable());
                m.put("healthy", b.healthy());
                m.put("draining", b.draining());
                m.put("active", b.active());
                m.put("picks", b.picks());
                m.put("sessions", b.sessions());
                m.put("connectFailures", b.connectFailures());
                m.put("bytesToServer", b.bytesSent());
                m.put("bytesFromServer", b.bytesReceived());
                m.put("connectMeanMs", meanMillis(b.connectNanos(), b.sessions()));
                list.add(m);
              }
              upstreams.put(name, list);
            });
    out.put("upstreams", upstreams);
    Map<String, Object> faults = new TreeMap<>();
    p.faults().forEach((fault, n) -> faults.put(fault.name(), n));
    out.put("faults", faults);
    return out;
  }
}
