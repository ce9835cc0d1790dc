package org.ha4j.examples.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.ha4j.core.Lifecycle;
import org.ha4j.node.NodeState;

/**
 * {@code --status-listen ADDR:PORT}: {@code GET /metrics} in Prometheus's text format and {@code
 * GET /status} as the node's state document (JSON), served by the JDK's own HTTP server on one
 * thread so that a scrape never competes with the proxy's event loops for more than a core's slice.
 */
public final class StatusServer implements Lifecycle {

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final InetSocketAddress address;
  private final PrometheusMeterRegistry registry;
  private final Supplier<NodeState> state;
  private final Runnable beforeScrape;
  private HttpServer server;
  private ExecutorService thread;
  private final List<Thread> workers = new CopyOnWriteArrayList<>();

  public StatusServer(
      InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<NodeState> state) {
    this(address, registry, state, () -> {});
  }

  /**
   * @param beforeScrape run on the status thread before each {@code /metrics}, for example to let
   *     the meters follow a reload ({@code RefreshableMeterBinder.refresh()})
   */
  public StatusServer(
      InetSocketAddress address,
      PrometheusMeterRegistry registry,
      Supplier<NodeState> state,
      Runnable beforeScrape) {
    this.address = Objects.requireNonNull(address, "address");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.state = Objects.requireNonNull(state, "state");
    this.beforeScrape = Objects.requireNonNull(beforeScrape, "beforeScrape");
  }

  @Override
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    HttpServer s = HttpServer.create(address, 16);
    s.createContext("/", this::handle);
    thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ha4j-status");
              t.setDaemon(true);
              workers.add(t);
              return t;
            });
    s.setExecutor(thread);
    s.start();
    server = s;
  }

  /** The address bound (the port resolved when 0 was asked for); null before start. */
  public synchronized InetSocketAddress boundAddress() {
    return server == null ? null : server.getAddress();
  }

  /** Closes the port and ends the thread before returning; a scrape in progress is cut. */
  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.stop(0);
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
      // the executor counts as terminated while its thread is still on its way out
      for (Thread worker : workers) {
        worker.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.clear();
    server = null;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics" -> {
          beforeScrape.run();
          reply(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
        }
        case "/status" -> reply(exchange, 200, "application/json", state.get().toJson() + "\n");
        default -> reply(exchange, 404, "text/plain; charset=utf-8", "try /metrics or /status\n");
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
