package org.ha4j.proxy.nginx;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalInt;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpAddress;

/**
 * One {@code listen} directive of a stream {@code server {}}, read as nginx reads it: {@code PORT}
 * and {@code *:PORT} are the IPv4 wildcard only; {@code [ADDRESS]:PORT} is IPv6 (an IPv6-only
 * socket, nginx's {@code ipv6only=on}); an IPv6 address without brackets is an invalid port, as in
 * nginx; a host name is resolved now, and one that does not resolve is an error, as {@code nginx
 * -t} reports it.
 *
 * @param host the address literal to bind ({@code 10.0.0.1}, {@code ::}), empty for the IPv4
 *     wildcard
 * @param port 1-65535
 * @param reusePort {@code reuseport}
 * @param backlog {@code backlog=N}, if given
 * @param proxyProtocol {@code proxy_protocol}: clients open with a PROXY header
 */
record NginxListen(
    Optional<String> host,
    int port,
    boolean reusePort,
    OptionalInt backlog,
    boolean proxyProtocol) {

  /** The address to bind; the IPv4 wildcard for a bare port. */
  InetSocketAddress address() {
    return new InetSocketAddress(host.orElse("0.0.0.0"), port);
  }

  /** Reads {@code s}, reporting every problem; empty when the address itself is unusable. */
  static Optional<NginxListen> read(ConfigStatement s, ConfigProblems problems) {
    if (s.args().isEmpty()) {
      problems.error(s, "expects an address, a port or address:port");
      return Optional.empty();
    }
    String target = s.args().get(0);
    Optional<Target> where = target(s, target, problems);
    boolean reusePort = false;
    boolean proxyProtocol = false;
    OptionalInt backlog = OptionalInt.empty();
    for (String parameter : s.args().subList(1, s.args().size())) {
      if (parameter.equals("reuseport")) {
        reusePort = true;
      } else if (parameter.equals("proxy_protocol")) {
        proxyProtocol = true;
      } else if (parameter.startsWith("backlog=")) {
        String value = parameter.substring("backlog=".length());
        if (!value.matches("\\d{1,9}") || Integer.parseInt(value) < 1) {
          problems.error(s, "invalid backlog \"" + parameter + "\" (a whole number >= 1)");
        } else {
          backlog = OptionalInt.of(Integer.parseInt(value));
        }
      } else if (parameter.equals("ipv6only=on")) {
        // what ha4j does for every IPv6 listener anyway
      } else if (parameter.equals("ipv6only=off")) {
        problems.error(
            s,
            "'ipv6only=off' is not supported: ha4j binds IPv6 listeners IPv6-only; "
                + "write a second server block with the IPv4 listen");
      } else if (parameter.equals("bind")
          || parameter.equals("deferred")
          || parameter.startsWith("so_keepalive=")
          || parameter.startsWith("fastopen=")
          || parameter.startsWith("rcvbuf=")
          || parameter.startsWith("sndbuf=")
          || parameter.startsWith("setfib=")) {
        problems.warning(s, "'" + parameter + "' accepted and ignored");
      } else {
        problems.error(
            s, "listen parameter '" + parameter + "' is not supported (udp and ssl are not)");
      }
    }
    if (where.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new NginxListen(where.get().host, where.get().port, reusePort, backlog, proxyProtocol));
  }

  private record Target(Optional<String> host, int port) {}

  private static Optional<Target> target(
      ConfigStatement s, String target, ConfigProblems problems) {
    String hostText;
    String portText;
    if (target.startsWith("[")) {
      int close = target.indexOf(']');
      if (close < 0) {
        problems.error(s, "invalid IPv6 address in \"" + target + "\" (missing ']')");
        return Optional.empty();
      }
      hostText = target.substring(1, close);
      String rest = target.substring(close + 1);
      if (!rest.startsWith(":")) {
        problems.error(s, "no port in \"" + target + "\" (write [ADDRESS]:PORT)");
        return Optional.empty();
      }
      portText = rest.substring(1);
      IpAddress address;
      try {
        address = IpAddress.parse(hostText);
      } catch (IllegalArgumentException e) {
        problems.error(s, "invalid IPv6 address in \"" + target + "\"");
        return Optional.empty();
      }
      if (!address.isIpv6()) {
        problems.error(
            s, "invalid IPv6 address in \"" + target + "\" (brackets are for IPv6 only)");
        return Optional.empty();
      }
      hostText = address.toString();
    } else {
      // nginx splits at the first colon, so an IPv6 address without brackets leaves an invalid port
      int colon = target.indexOf(':');
      hostText = colon < 0 ? "*" : target.substring(0, colon);
      portText = colon < 0 ? target : target.substring(colon + 1);
    }
    if (!portText.matches("\\d{1,5}")
        || Integer.parseInt(portText) < 1
        || Integer.parseInt(portText) > 65535) {
      problems.error(
          s,
          "invalid port in \""
              + target
              + "\" (1-65535"
              + (target.indexOf(':') != target.lastIndexOf(':') && !target.startsWith("[")
                  ? "; an IPv6 address is written in brackets: [::1]:8080)"
                  : ")"));
      return Optional.empty();
    }
    int port = Integer.parseInt(portText);
    if (hostText.equals("*")) {
      return Optional.of(new Target(Optional.empty(), port));
    }
    if (target.startsWith("[")) {
      return Optional.of(new Target(Optional.of(hostText), port));
    }
    return resolve(s, target, hostText, problems).map(host -> new Target(Optional.of(host), port));
  }

  /**
   * A literal as it is; a name through the system resolver, as nginx resolves it when reading the
   * file.
   */
  private static Optional<String> resolve(
      ConfigStatement s, String target, String host, ConfigProblems problems) {
    try {
      return Optional.of(IpAddress.parse(host).toString());
    } catch (IllegalArgumentException notALiteral) {
      // a host name
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      problems.error(s, "host not found in \"" + target + "\"");
      return Optional.empty();
    }
    if (addresses.length > 1) {
      problems.warning(
          s,
          host
              + " has "
              + addresses.length
              + " addresses; ha4j listens on the first, "
              + IpAddress.of(addresses[0])
              + " (nginx would listen on each)");
    }
    return Optional.of(IpAddress.of(addresses[0]).toString());
  }
}
