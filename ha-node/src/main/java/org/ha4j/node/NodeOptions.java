package org.ha4j.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.ha4j.proxy.RelayKind;

/**
 * How a node runs its files.
 *
 * @param proxyHealthReplaces {@code vrrp_script} names not to run: the in-process proxy's health
 *     stands in for them (the reference deployment's {@code check_nginx})
 * @param relay the proxy's relay (nginx copies; {@code AUTO} copies, then splices a session that
 *     streams, zero-copy on Linux)
 * @param drainTimeout how long a stopping proxy lets sessions finish
 * @param events receives one line per event (state and priority changes, proxy start and stop,
 *     {@code STARTED}, {@code STOPPED}); called on the thread where the event happens, so it must
 *     not block
 */
public record NodeOptions(
    Set<String> proxyHealthReplaces,
    RelayKind relay,
    Duration drainTimeout,
    Consumer<String> events) {

  /**
   * What {@code ./ha4j run} uses without flags: the splice relay, a 5 s drain, every script run.
   */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  public NodeOptions {
    proxyHealthReplaces = Set.copyOf(proxyHealthReplaces);
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must be 0 or more, got " + drainTimeout);
    }
    Objects.requireNonNull(events, "events");
  }

  /**
   * The auto relay, a {@link #DEFAULT_DRAIN_TIMEOUT} drain, every {@code vrrp_script} run as
   * keepalived runs it.
   */
  public static NodeOptions defaults(Consumer<String> events) {
    return new NodeOptions(Set.of(), RelayKind.AUTO, DEFAULT_DRAIN_TIMEOUT, events);
  }

  /** These options, with the proxy's health standing in for {@code scripts}. */
  public NodeOptions replacing(Set<String> scripts) {
    return new NodeOptions(scripts, relay, drainTimeout, events);
  }
}
