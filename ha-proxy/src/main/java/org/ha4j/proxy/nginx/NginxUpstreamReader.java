package org.ha4j.proxy.nginx;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpAddress;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.BalancingStrategy;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.proxy.nginx.NginxStreamConfig.ServerLine;
import org.ha4j.proxy.nginx.NginxStreamConfig.Upstream;

/**
 * Reads {@code upstream NAME { ... }} blocks and checks them as run will build them: every server
 * line parsed and its host resolved (nginx resolves upstream names when it reads the file), the
 * balancing method and its key parsed, and the whole group built once, which refuses what a method
 * does not support.
 */
final class NginxUpstreamReader {

  private final ConfigProblems problems;

  NginxUpstreamReader(ConfigProblems problems) {
    this.problems = problems;
  }

  /** Reads {@code block} and adds it to {@code upstreams}, reporting every problem. */
  void read(ConfigStatement block, List<Upstream> upstreams) {
    if (block.args().size() != 1 || !block.hasBlock()) {
      problems.error(block, "expects 'upstream NAME { ... }'");
      return;
    }
    String name = block.args().get(0);
    if (upstreams.stream().anyMatch(u -> u.name().equals(name))) {
      problems.error(block, "duplicate upstream \"" + name + "\"");
      return;
    }
    int errorsBefore = problems.errorCount();
    Optional<String> method = Optional.empty();
    Optional<BalancingStrategy> strategy = Optional.empty();
    List<ServerLine> lines = new ArrayList<>();
    List<ServerSpec> specs = new ArrayList<>();
    for (ConfigStatement s : block.block()) {
      switch (s.keyword()) {
        case "server" -> {
          if (s.args().isEmpty()) {
            problems.error(s, "expects an address");
          } else {
            ServerLine line = new ServerLine(String.join(" ", s.args()), s.location());
            lines.add(line);
            serverSpec(s, line.text(), problems).ifPresent(specs::add);
          }
        }
        case "least_conn", "hash", "random", "ip_hash", "least_time" -> {
          if (method.isPresent()) {
            problems.error(s, "load balancing method redefined (already " + method.get() + ")");
          }
          String written =
              s.keyword() + (s.args().isEmpty() ? "" : " " + String.join(" ", s.args()));
          method = Optional.of(written);
          try {
            strategy = Optional.of(BalancingStrategies.parse(written));
          } catch (IllegalArgumentException e) {
            problems.error(s, e.getMessage());
          }
        }
        case "zone" ->
            problems.warning(
                s,
                "accepted: ha4j keeps upstream state in process memory, shared by "
                    + "all its event loops");
        default -> NginxDirectives.unknownOrMisplaced(s, "upstream {}", problems);
      }
    }
    if (lines.isEmpty()) {
      problems.error(block, "no servers are inside upstream \"" + name + "\"");
      return;
    }
    if (problems.errorCount() == errorsBefore) {
      try {
        // what run builds; it refuses, for one, backup servers under a method that has no backup
        new org.ha4j.proxy.Upstream(name, strategy.orElse(BalancingStrategies.roundRobin()), specs);
      } catch (IllegalArgumentException e) {
        problems.error(block, e.getMessage());
      }
    }
    upstreams.add(new Upstream(name, method, lines, block.location()));
  }

  /**
   * A server line or a proxy_pass host:port as run will read it; the host resolved as nginx
   * resolves it.
   */
  static Optional<ServerSpec> serverSpec(ConfigStatement s, String text, ConfigProblems problems) {
    ServerSpec spec;
    try {
      spec = ServerSpec.parse(text);
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
      return Optional.empty();
    }
    if (!isLiteral(spec.host())) {
      try {
        InetAddress.getAllByName(spec.host());
      } catch (UnknownHostException e) {
        problems.error(s, "host not found in \"" + spec.server() + "\"");
        return Optional.empty();
      }
    }
    return Optional.of(spec);
  }

  private static boolean isLiteral(String host) {
    try {
      IpAddress.parse(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
