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
 * this refuses.
 */
public final class StreamProxyNode implements Lifecycle {

  private final NginxStreamConfig config;
  private final InProcessProxy proxy;

  private StreamProxyNode(NginxStreamConfig config, InProcessProxy proxy) {
    this.config = config;
    this.proxy = proxy;
  }

  /**
   * Loads and checks the file; nothing binds. {@link NodeOptions#proxyHealthReplaces()} has no
   * meaning here.
   */
  static StreamProxyNode load(Path nginxConf, NodeOptions options)
      throws IOException, ConfigException {
    NginxStreamConfig config = NginxStreamConfigLoader.load(nginxConf);
    List<ConfigProblem> problems = new ArrayList<>();
    InProcessProxy.validate(nginxConf.toString(), config, problems);
    if (problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new ConfigException(problems);
    }
    return new StreamProxyNode(
        config,
        new InProcessProxy(config, options.relay(), options.drainTimeout(), options.events()));
  }

  /** The loader's notes (accepted and ignored directives), for the start-up banner. */
  public List<String> notes() {
    return config.notes().stream().map(Object::toString).toList();
  }

  @Override
  public void start() throws Exception {
    proxy.start();
  }

  /** Stops accepting, lets sessions drain (up to the drain timeout), closes. */
  @Override
  public void stop() {
    proxy.stop();
  }

  /** The proxy while it runs; empty before start and after stop. */
  public Optional<Proxy> runningProxy() {
    return proxy.current();
  }
}
