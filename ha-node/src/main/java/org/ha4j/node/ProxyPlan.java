package org.ha4j.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.proxy.nginx.NginxStreamConfig;

/**
 * What a reload changes in the proxy: the {@code server {}} blocks (one listener each, by {@code
 * listen} address) and the {@code upstream} blocks (by name) added, removed or changed. Where a
 * block stands in the file does not count: moving it, or adding a comment above it, changes
 * nothing. Pure: two loaded configs in, names out.
 *
 * @param listenersAdded {@code listen} addresses only the new file has
 * @param listenersRemoved {@code listen} addresses only the running config has
 * @param listenersChanged {@code listen} addresses in both with other settings (proxy_pass,
 *     timeouts, access rules, access log, limits)
 * @param upstreamsAdded upstream names only the new file has
 * @param upstreamsRemoved upstream names only the running config has
 * @param upstreamsChanged upstream names in both with other servers, weights or method
 */
record ProxyPlan(
    List<String> listenersAdded,
    List<String> listenersRemoved,
    List<String> listenersChanged,
    List<String> upstreamsAdded,
    List<String> upstreamsRemoved,
    List<String> upstreamsChanged) {

  /** Stands in for every block's location, so that only what a block says is compared. */
  private static final ConfigLocation NOWHERE = new ConfigLocation("", 1);

  ProxyPlan {
    listenersAdded = List.copyOf(listenersAdded);
    listenersRemoved = List.copyOf(listenersRemoved);
    listenersChanged = List.copyOf(listenersChanged);
    upstreamsAdded = List.copyOf(upstreamsAdded);
    upstreamsRemoved = List.copyOf(upstreamsRemoved);
    upstreamsChanged = List.copyOf(upstreamsChanged);
  }

  static ProxyPlan of(NginxStreamConfig running, NginxStreamConfig next) {
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(next, "next");
    Diff listeners =
        Diff.of(
            byKey(running.servers(), NginxStreamConfig.Server::listenText, ProxyPlan::comparable),
            byKey(next.servers(), NginxStreamConfig.Server::listenText, ProxyPlan::comparable));
    Diff upstreams =
        Diff.of(
            byKey(running.upstreams(), NginxStreamConfig.Upstream::name, ProxyPlan::comparable),
            byKey(next.upstreams(), NginxStreamConfig.Upstream::name, ProxyPlan::comparable));
    return new ProxyPlan(
        listeners.added,
        listeners.removed,
        listeners.changed,
        upstreams.added,
        upstreams.removed,
        upstreams.changed);
  }

  /**
   * What a running proxy cannot adopt: a listener that stays keeps its bound socket, so its {@code
   * backlog} and {@code reuseport} cannot change on a reload. Each is an error at the new server
   * block's file:line.
   */
  static List<ConfigProblem> unchangeable(NginxStreamConfig running, NginxStreamConfig next) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (NginxStreamConfig.Server server : next.servers()) {
      for (NginxStreamConfig.Server old : running.servers()) {
        if (!old.listenText().equals(server.listenText())) {
          continue;
        }
        if (old.backlog().orElse(InProcessProxy.DEFAULT_BACKLOG)
                != server.backlog().orElse(InProcessProxy.DEFAULT_BACKLOG)
            || old.reusePort() != server.reusePort()) {
          problems.add(
              new ConfigProblem(
                  ConfigProblem.Severity.ERROR,
                  server.location(),
                  "listen",
                  "the running listener "
                      + server.listenText()
                      + " keeps its socket on a reload, so its backlog and reuseport cannot"
                      + " change: remove the listener in one reload and add it in the next, or"
                      + " restart"));
        }
      }
    }
    return problems;
  }

  /** Nothing to apply: every listener and upstream stays as it runs. */
  boolean isEmpty() {
    return listenersAdded.isEmpty()
        && listenersRemoved.isEmpty()
        && listenersChanged.isEmpty()
        && upstreamsAdded.isEmpty()
        && upstreamsRemoved.isEmpty()
        && upstreamsChanged.isEmpty();
  }

  /** The changes as {@code listener *:8081 added} phrases, empty when there are none. */
  List<String> describe() {
    List<String> out = new ArrayList<>();
    listenersAdded.forEach(l -> out.add("listener " + l + " added"));
    listenersRemoved.forEach(l -> out.add("listener " + l + " removed"));
    listenersChanged.forEach(l -> out.add("listener " + l + " changed"));
    upstreamsAdded.forEach(u -> out.add("upstream " + u + " added"));
    upstreamsRemoved.forEach(u -> out.add("upstream " + u + " removed"));
    upstreamsChanged.forEach(u -> out.add("upstream " + u + " changed"));
    return out;
  }

  private static NginxStreamConfig.Server comparable(NginxStreamConfig.Server s) {
    return new NginxStreamConfig.Server(
        s.listenHost(),
        s.listenPort(),
        s.reusePort(),
        s.backlog(),
        s.proxyPass(),
        s.connectTimeout(),
        s.idleTimeout(),
        s.nextUpstream(),
        s.nextUpstreamTries(),
        s.nextUpstreamTimeout(),
        s.accessRules(),
        s.maxConnectionsPerClient(),
        s.maxConnections(),
        s.accessLogPath(),
        s.accessLogFormat(),
        NOWHERE,
        s.proxyProtocol());
  }

  /** The upstream's name, method and server lines as written, without where they stand. */
  private static List<Object> comparable(NginxStreamConfig.Upstream u) {
    return List.of(
        u.name(),
        u.method(),
        u.servers().stream().map(NginxStreamConfig.ServerLine::text).toList());
  }

  private static <T> Map<String, Object> byKey(
      List<T> items, Function<T, String> key, Function<T, Object> comparable) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (T item : items) {
      out.put(key.apply(item), comparable.apply(item));
    }
    return out;
  }

  /** Keys only in {@code next}, only in {@code running}, and in both with unequal values. */
  record Diff(List<String> added, List<String> removed, List<String> changed) {
    static Diff of(Map<String, ?> running, Map<String, ?> next) {
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      List<String> changed = new ArrayList<>();
      for (Map.Entry<String, ?> entry : next.entrySet()) {
        if (!running.containsKey(entry.getKey())) {
          added.add(entry.getKey());
        } else if (!running.get(entry.getKey()).equals(entry.getValue())) {
          changed.add(entry.getKey());
        }
      }
      for (String key : running.keySet()) {
        if (!next.containsKey(key)) {
          removed.add(key);
        }
      }
      return new Diff(added, removed, changed);
    }
  }
}
