package org.ha4j.proxy.balance;

import java.time.Duration;
import java.util.Objects;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.net.IpAddress;

/**
 * One {@code server} line of an nginx {@code upstream} block, with nginx's defaults ({@code
 * ngx_stream_upstream_server()}): weight 1, max_fails 1, fail_timeout 10 s, max_conns 0 (no limit).
 *
 * @param server the address exactly as configured ({@code 10.0.0.1:8080}); consistent hashing seeds
 *     its points from this text, as nginx does, so it must stay as the user wrote it
 * @param host the host part of {@code server}
 * @param port the port part of {@code server}
 * @param weight 1 or more
 * @param maxFails connection failures within {@code failTimeout} that take the server out; 0
 *     disables
 * @param failTimeout the failure-counting window and the time a failed server stays out
 * @param backup used only when no primary server is available
 * @param down permanently unavailable
 * @param maxConns the most concurrent sessions; 0 means no limit
 */
public record ServerSpec(
    String server,
    String host,
    int port,
    int weight,
    int maxFails,
    Duration failTimeout,
    boolean backup,
    boolean down,
    int maxConns) {

  public static final int DEFAULT_MAX_FAILS = 1;
  public static final Duration DEFAULT_FAIL_TIMEOUT = Duration.ofSeconds(10);

  public ServerSpec {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(failTimeout, "failTimeout");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port must be 1-65535, got " + port + " in '" + server + "'");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight must be >= 1, got " + weight);
    }
    if (maxFails < 0) {
      throw new IllegalArgumentException("max_fails must be >= 0, got " + maxFails);
    }
    if (maxConns < 0) {
      throw new IllegalArgumentException("max_conns must be >= 0, got " + maxConns);
    }
    if (failTimeout.isNegative()) {
      throw new IllegalArgumentException("fail_timeout must be >= 0, got " + failTimeout);
    }
  }

  /** A server with nginx's default parameters. */
  public static ServerSpec of(String hostPort) {
    String[] hp = splitHostPort(hostPort);
    return new ServerSpec(
        hostPort,
        hp[0],
        Integer.parseInt(hp[1]),
        1,
        DEFAULT_MAX_FAILS,
        DEFAULT_FAIL_TIMEOUT,
        false,
        false,
        0);
  }

  /**
   * Parses the arguments of an nginx {@code server} directive, e.g. {@code "10.0.0.1:8080 weight=5
   * max_fails=3 fail_timeout=30s backup"}; a trailing {@code ;} is allowed.
   *
   * @throws IllegalArgumentException naming the offending parameter
   */
  public static ServerSpec parse(String line) {
    String text = line.strip();
    if (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    if (text.startsWith("server ")) {
      text = text.substring("server ".length()).strip();
    }
    String[] words = text.split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new IllegalArgumentException("empty server line");
    }
    ServerSpec spec = of(words[0]);
    for (int i = 1; i < words.length; i++) {
      spec = spec.withParameter(words[i]);
    }
    return spec;
  }

  private ServerSpec withParameter(String word) {
    int eq = word.indexOf('=');
    String name = eq < 0 ? word : word.substring(0, eq);
    String value = eq < 0 ? null : word.substring(eq + 1);
    switch (name) {
      case "backup" -> {
        noValue(name, value);
        return new ServerSpec(
            server, host, port, weight, maxFails, failTimeout, true, down, maxConns);
      }
      case "down" -> {
        noValue(name, value);
        return new ServerSpec(
            server, host, port, weight, maxFails, failTimeout, backup, true, maxConns);
      }
      case "weight" -> {
        return withWeight(positive(name, value, 1));
      }
      case "max_fails" -> {
        return new ServerSpec(
            server,
            host,
            port,
            weight,
            positive(name, value, 0),
            failTimeout,
            backup,
            down,
            maxConns);
      }
      case "max_conns" -> {
        return new ServerSpec(
            server,
            host,
            port,
            weight,
            maxFails,
            failTimeout,
            backup,
            down,
            positive(name, value, 0));
      }
      case "fail_timeout" -> {
        if (value == null) {
          throw new IllegalArgumentException("fail_timeout needs a value, e.g. fail_timeout=10s");
        }
        return new ServerSpec(
            server,
            host,
            port,
            weight,
            maxFails,
            ConfigDurations.parseNginx(value),
            backup,
            down,
            maxConns);
      }
      default ->
          throw new IllegalArgumentException(
              "invalid server parameter '"
                  + word
                  + "' (allowed: weight=N max_fails=N fail_timeout=T max_conns=N backup down)");
    }
  }

  /** The same server with another weight (re-weighting at runtime). */
  public ServerSpec withWeight(int newWeight) {
    return new ServerSpec(
        server, host, port, newWeight, maxFails, failTimeout, backup, down, maxConns);
  }

  private static void noValue(String name, String value) {
    if (value != null) {
      throw new IllegalArgumentException(name + " takes no value");
    }
  }

  private static int positive(String name, String value, int min) {
    if (value == null || !value.matches("\\d{1,9}")) {
      throw new IllegalArgumentException(
          name + " needs a whole number >= " + min + ", got '" + value + "'");
    }
    int n = Integer.parseInt(value);
    if (n < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + n);
    }
    return n;
  }

  /**
   * {@code HOST:PORT} or {@code [IPV6]:PORT}. As in nginx, an IPv6 address needs its brackets:
   * without them the text after the first colon is not a port.
   */
  private static String[] splitHostPort(String hostPort) {
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0 || !hostPort.startsWith(":", close + 1)) {
        throw new IllegalArgumentException("server must be [IPV6]:PORT, got '" + hostPort + "'");
      }
      host = hostPort.substring(1, close);
      port = hostPort.substring(close + 2);
      try {
        if (!IpAddress.parse(host).isIpv6()) {
          throw new IllegalArgumentException("brackets are for IPv6 addresses");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid IPv6 address in '" + hostPort + "'", e);
      }
    } else {
      int colon = hostPort.indexOf(':');
      if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "invalid port in '"
                + hostPort
                + "' (an IPv6 address is written in brackets: [::1]:8080)");
      }
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new IllegalArgumentException(
            "no port in '" + hostPort + "': server must be HOST:PORT");
      }
      host = hostPort.substring(0, colon);
      port = hostPort.substring(colon + 1);
    }
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException(
          "invalid port in '" + hostPort + "': must be a number 1-65535");
    }
    return new String[] {host, port};
  }

  /** The nginx {@code server} line that gives this server. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(server);
    if (weight != 1) {
      sb.append(" weight=").append(weight);
    }
    if (maxFails != DEFAULT_MAX_FAILS) {
      sb.append(" max_fails=").append(maxFails);
    }
    if (!failTimeout.equals(DEFAULT_FAIL_TIMEOUT)) {
      sb.append(" fail_timeout=").append(failTimeout.toMillis()).append("ms");
    }
    if (maxConns != 0) {
      sb.append(" max_conns=").append(maxConns);
    }
    if (backup) {
      sb.append(" backup");
    }
    if (down) {
      sb.append(" down");
    }
    return sb.toString();
  }
}
