package org.ha4j.examples.cli;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ha4j.core.Lifecycle;
import org.ha4j.examples.status.StatusServer;
import org.ha4j.node.NodeState;
import org.ha4j.node.metrics.RefreshableMeterBinder;
import org.ha4j.proxy.Proxy;

/**
 * What an operator reaches in a running {@code run}, {@code proxy} or {@code node}: one Prometheus
 * registry with the node's meters and the JVM's (memory, GC, threads), the status port when {@code
 * --status-listen} asks for one, the state dump and log reopen of {@code USR1} and the stats dump
 * of {@code USR2}.
 *
 * <p>{@link #around} makes one {@link Lifecycle} of the node and these, for systemd to supervise:
 * {@code READY=1} then also means the status port is bound, and a port that cannot be bound fails
 * the start (exit 1) instead of running a node nobody can look at.
 */
final class NodeOperations implements Lifecycle {

  /** Opens the node's access log files again; returns how many it has. */
  @FunctionalInterface
  interface AccessLogs {
    int reopen() throws IOException;

    /** The access logs of whichever proxy runs at the time; none while none runs. */
    static AccessLogs of(Supplier<Optional<Proxy>> proxy) {
      return () -> {
        Optional<Proxy> running = proxy.get();
        return running.isPresent() ? running.get().reopenAccessLogs() : 0;
      };
    }
  }

  private final SharedFlags.OperationsFlags flags;
  private final Supplier<NodeState> state;
  private final List<MeterBinder> meters;
  private final AccessLogs accessLogs;
  private final Consumer<String> events;
  private PrometheusMeterRegistry registry;
  private JvmGcMetrics gc;
  private StatusServer server;

  /**
   * @param meters the node's binders, bound once the node runs
   * @param events where the status port's address is announced
   */
  NodeOperations(
      SharedFlags.OperationsFlags flags,
      Supplier<NodeState> state,
      List<MeterBinder> meters,
      AccessLogs accessLogs,
      Consumer<String> events) {
    this.flags = Objects.requireNonNull(flags, "flags");
    this.state = Objects.requireNonNull(state, "state");
    this.meters = List.copyOf(meters);
    this.accessLogs = Objects.requireNonNull(accessLogs, "accessLogs");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * The node, then these: started in that order (the meters need a running node), stopped in the
   * same order, so {@code /status} can be read while the node drains.
   */
  Lifecycle around(Lifecycle node) {
    return new Lifecycle() {
      @Override
      public void start() throws Exception {
        node.start();
        try {
          NodeOperations.this.start();
        } catch (Exception | Error e) {
          node.stop();
          throw e;
        }
        StartedMark.started();
      }

      @Override
      public void stop() {
        node.stop();
        NodeOperations.this.stop();
      }

      @Override
      public String toString() {
        return node.toString();
      }
    };
  }

  @Override
  public synchronized void start() throws IOException {
    if (registry != null) {
      return;
    }
    PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    try {
      new JvmMemoryMetrics().bindTo(created);
      gcMetrics.bindTo(created);
      new JvmThreadMetrics().bindTo(created);
      meters.forEach(m -> m.bindTo(created));
      InetSocketAddress address = flags.statusListen;
      if (address != null) {
        StatusServer status = new StatusServer(address, created, state, this::refreshMeters);
        try {
          status.start();
        } catch (IOException e) {
          throw new IOException(
              "--status-listen " + hostPort(address) + ": cannot listen: " + e.getMessage(), e);
        }
        server = status;
        events.accept(
            "STATUS-PORT http://"
                + hostPort(status.boundAddress())
                + "/ serves /metrics and /status");
      }
    } catch (IOException | RuntimeException e) {
      gcMetrics.close();
      created.close();
      throw e;
    }
    gc = gcMetrics;
    registry = created;
  }

  /** Closes the status port and releases the JVM meters' listeners. */
  @Override
  public synchronized void stop() {
    if (registry == null) {
      return;
    }
    if (server != null) {
      server.stop();
      server = null;
    }
    gc.close();
    registry.close();
    registry = null;
  }

  /** {@code USR1}: the access logs opened again, then the state file written; the outcome. */
  String reopenLogsAndDumpState() {
    List<String> outcome = new ArrayList<>();
    try {
      int reopened = accessLogs.reopen();
      outcome.add(reopened == 0 ? "no access log to reopen" : reopened + " access log(s) reopened");
    } catch (IOException e) {
      outcome.add("access log not reopened (" + e.getMessage() + "), still writing the old file");
    }
    outcome.add(write(flags.stateFile, "state", state.get().toJson() + "\n"));
    return String.join("; ", outcome);
  }

  /** {@code USR2}: the metrics written to the stats file; the outcome. */
  String dumpStats() {
    PrometheusMeterRegistry now;
    synchronized (this) {
      now = registry;
    }
    if (now == null) {
      return "stopped, no stats";
    }
    refreshMeters();
    return write(flags.statsFile, "stats", now.scrape());
  }

  /**
   * Before each scrape: the binders' series follow what runs after a reload (added listeners,
   * servers, instances and scripts appear, removed ones go), at no cost while nothing changed.
   */
  void refreshMeters() {
    for (MeterBinder binder : meters) {
      if (binder instanceof RefreshableMeterBinder refreshable) {
        refreshable.refresh();
      }
    }
  }

  private static String write(Path file, String what, String text) {
    try {
      return what + " written to " + FileByRename.write(file, text);
    } catch (IOException e) {
      return what + " not written to " + file + ": " + e;
    }
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
