package org.ha4j.proxy.nginx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpCidr;

/**
 * The PROXY protocol directives of a {@code stream {}} or {@code server {}}: {@code proxy_protocol
 * on|off} (towards backends), {@code proxy_protocol_timeout} (for a {@code listen ...
 * proxy_protocol}) and {@code set_real_ip_from} ({@code ngx_stream_realip_module}), each with
 * nginx's errors and its inheritance: a server without {@code set_real_ip_from} lines takes the
 * stream's, one with any takes only its own.
 */
final class NginxProxyProtocolReader {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** What one level sets; a server's starts as a copy of the stream's. */
  static final class Settings {
    boolean send;
    Duration timeout = DEFAULT_TIMEOUT;
    List<IpCidr> realIpFrom = new ArrayList<>();
    private boolean ownRealIpFrom;

    /** What a server inherits from this (stream) level. */
    Settings inherited() {
      Settings s = new Settings();
      s.send = send;
      s.timeout = timeout;
      s.realIpFrom = realIpFrom;
      return s;
    }

    NginxStreamConfig.ProxyProtocolSettings toConfig(boolean accept) {
      return new NginxStreamConfig.ProxyProtocolSettings(accept, send, timeout, realIpFrom);
    }
  }

  private final ConfigProblems problems;

  NginxProxyProtocolReader(ConfigProblems problems) {
    this.problems = problems;
  }

  static boolean handles(String keyword) {
    return switch (keyword) {
      case "proxy_protocol", "proxy_protocol_timeout", "set_real_ip_from" -> true;
      default -> false;
    };
  }

  void read(ConfigStatement s, Settings into) {
    switch (s.keyword()) {
      case "proxy_protocol" -> readOnOff(s, into);
      case "proxy_protocol_timeout" -> readTimeout(s, into);
      case "set_real_ip_from" -> readTrusted(s, into);
      default -> throw new IllegalArgumentException("not a PROXY protocol directive: " + s);
    }
  }

  private void readOnOff(ConfigStatement s, Settings into) {
    if (s.args().size() != 1) {
      problems.error(s, "invalid number of arguments (expects on or off)");
    } else if (s.args().get(0).equals("on") || s.args().get(0).equals("off")) {
      into.send = s.args().get(0).equals("on");
    } else {
      problems.error(s, "invalid value \"" + s.args().get(0) + "\", it must be \"on\" or \"off\"");
    }
  }

  private void readTimeout(ConfigStatement s, Settings into) {
    if (s.args().size() != 1) {
      problems.error(s, "invalid number of arguments (expects one time value such as 30s)");
      return;
    }
    Duration d;
    try {
      d = ConfigDurations.parseNginx(s.args().get(0));
    } catch (IllegalArgumentException e) {
      problems.error(s, "invalid value: " + e.getMessage());
      return;
    }
    if (d.isZero()) {
      problems.error(s, "must be more than 0 (0 would end every connection before its header)");
      return;
    }
    into.timeout = d;
  }

  private void readTrusted(ConfigStatement s, Settings into) {
    if (s.args().size() != 1) {
      problems.error(s, "invalid number of arguments (expects an address or CIDR)");
      return;
    }
    String text = s.args().get(0);
    if (text.equals("unix:")) {
      problems.warning(s, "accepted without effect: ha4j listens on no UNIX-domain socket");
      return;
    }
    Optional<IpCidr> cidr = cidr(text);
    if (cidr.isEmpty()) {
      problems.error(
          s, "invalid address \"" + text + "\" (an IPv4 or IPv6 address or CIDR; no host names)");
      return;
    }
    if (cidr.get().hasHostBits()) {
      problems.warning(s, "low address bits of " + text + " are meaningless");
    }
    if (!into.ownRealIpFrom) {
      into.ownRealIpFrom = true;
      into.realIpFrom = new ArrayList<>();
    }
    into.realIpFrom.add(cidr.get());
  }

  private static Optional<IpCidr> cidr(String text) {
    try {
      return Optional.of(IpCidr.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
