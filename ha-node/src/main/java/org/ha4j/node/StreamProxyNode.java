package org.ha4j.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;

/**
 * An nginx.conf's {@code stream {}} block alone, no VRRP ({@code ./ha4j proxy --nginx FILE}): what
 * an nginx stream user replaces first. Made by {@link HaNode#streamProxy}, loaded and checked by
 * the same code as {@link HaNode}'s proxy half, so {@code ./ha4j check FILE} refuses exactly what
 * this refuses. {@link #reload()} applies the file again in place (SIGHUP).
 */
public final class StreamProxyNode implements Lifecycle {

  private final InProcessProxy proxy;
  private Path path;
  private NginxStreamConfig config;

  private StreamProxyNode(Path path, NginxStreamConfig config, InProcessProxy proxy) {
    this.path = path;
    this.config = config;
    this.proxy = proxy;
  }

  /**
   * Loads and checks the file; nothing binds. {@link NodeOptions#proxyHealthReplaces()} has no
   * meaning here.
   */
  static StreamProxyNode load(Path nginxConf, NodeOptions options)
      throws IOException, ConfigException {
    NginxStreamConfig config = loadChecked(nginxConf);
    return new StreamProxyNode(
        nginxConf,
        config,
        new InProcessProxy(config, options.relay(), options.drainTimeout(), options.events()));
  }

  private static NginxStreamConfig loadChecked(Path nginxConf) throws IOException, ConfigException {
    NginxStreamConfig config = NginxStreamConfigLoader.load(nginxConf);
    List<ConfigProblem> problems = new ArrayList<>();
    InProcessProxy.validate(nginxConf.toString(), config, problems);
    if (problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** The loader's notes (accepted and ignored directives), for the start-up banner. */
  public synchronized List<String> notes() {
    return config.notes().stream().map(Object::toString).toList();
  }

  @Override
  public synchronized void start() throws Exception {
    proxy.start();
  }

  /** Stops accepting, lets sessions drain (up to the drain timeout), closes. */
  @Override
  public synchronized void stop() {
    proxy.stop();
  }

  /** Reads the file the proxy was loaded from again and applies it ({@link #reconfigure}). */
  public String reload() throws IOException, ConfigException {
    Path file;
    synchronized (this) {
      file = path;
    }
    return reconfigure(file);
  }

  /**
   * Loads and checks {@code nginxConf} as {@link HaNode#streamProxy} does, then the running proxy
   * adopts it in place: listeners that stay keep their sockets (no refused connection), new ones
   * are bound first, removed listeners and servers drain, upstream state carries over by name and
   * server address. Serialized with start and stop; later {@link #reload()}s read this file.
   *
   * @return what changed, one line ({@code listener *:8081 added; upstream app changed}), or {@code
   *     no change}
   * @throws ConfigException every problem with file:line: nothing changed
   * @throws IOException the file cannot be read, or a new listener cannot be bound: nothing changed
   */
  public synchronized String reconfigure(Path nginxConf) throws IOException, ConfigException {
    NginxStreamConfig next = loadChecked(nginxConf);
    List<ConfigProblem> unchangeable = ProxyPlan.unchangeable(config, next);
    if (!unchangeable.isEmpty()) {
      throw new ConfigException(unchangeable);
    }
    ProxyPlan plan = ProxyPlan.of(config, next);
    proxy.reconfigure(next, plan);
    path = nginxConf;
    config = next;
    List<String> changes = plan.describe();
    return changes.isEmpty() ? "no change" : String.join("; ", changes);
  }

  /** The proxy while it runs; empty before start and after stop. */
  public Optional<Proxy> runningProxy() {
    return proxy.current();
  }
}
