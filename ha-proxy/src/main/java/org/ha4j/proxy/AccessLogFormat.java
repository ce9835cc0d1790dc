package org.ha4j.proxy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.ha4j.proxy.balance.NginxVariables;

/**
 * An nginx stream {@code log_format} string, compiled once. Variables ({@code $name} or {@code
 * ${name}}): {@code remote_addr remote_port server_addr server_port upstream_addr time_local
 * time_iso8601 msec status bytes_sent bytes_received upstream_bytes_sent upstream_bytes_received
 * session_time upstream_connect_time protocol connection proxy_protocol_addr proxy_protocol_port
 * proxy_protocol_server_addr proxy_protocol_server_port realip_remote_addr realip_remote_port} (the
 * {@code proxy_protocol_*} ones are {@code -} without a PROXY header). Per-attempt upstream values
 * are joined with {@code ", "} as nginx does; an unknown variable is rejected when the format is
 * parsed, as nginx rejects it at configuration time.
 *
 * <p>The reference deployment's format works verbatim: {@code '$remote_addr $upstream_addr -
 * [$time_local] $status $upstream_bytes_sent'}.
 */
public final class AccessLogFormat {

  /**
   * What a log line is made of: one finished session.
   *
   * @param realipRemoteAddr the connecting peer, which {@code remoteAddr} differs from when {@code
   *     set_real_ip_from} trusted its PROXY header
   * @param proxyProtocolAddr the source of the client's PROXY header, null without one
   * @param proxyProtocolServerAddr the destination of the client's PROXY header, null without one
   */
  public record Entry(
      String remoteAddr,
      int remotePort,
      String serverAddr,
      int serverPort,
      List<UpstreamAttempt> attempts,
      String upstreamName,
      long endEpochMillis,
      long sessionMillis,
      int status,
      long bytesSent,
      long bytesReceived,
      long connection,
      String realipRemoteAddr,
      int realipRemotePort,
      String proxyProtocolAddr,
      int proxyProtocolPort,
      String proxyProtocolServerAddr,
      int proxyProtocolServerPort) {}

  /**
   * One connection attempt to a server: its address, connect time (-1 if it failed) and bytes
   * moved.
   */
  public record UpstreamAttempt(
      String address, long connectMillis, long bytesSent, long bytesReceived) {}

  private enum Variable {
    REMOTE_ADDR,
    REMOTE_PORT,
    SERVER_ADDR,
    SERVER_PORT,
    UPSTREAM_ADDR,
    TIME_LOCAL,
    TIME_ISO8601,
    MSEC,
    STATUS,
    BYTES_SENT,
    BYTES_RECEIVED,
    UPSTREAM_BYTES_SENT,
    UPSTREAM_BYTES_RECEIVED,
    SESSION_TIME,
    UPSTREAM_CONNECT_TIME,
    PROTOCOL,
    CONNECTION,
    PROXY_PROTOCOL_ADDR,
    PROXY_PROTOCOL_PORT,
    PROXY_PROTOCOL_SERVER_ADDR,
    PROXY_PROTOCOL_SERVER_PORT,
    REALIP_REMOTE_ADDR,
    REALIP_REMOTE_PORT
  }

  /** The format of the reference deployment's nginx.conf. */
  public static final String REFERENCE_FORMAT =
      "$remote_addr $upstream_addr - [$time_local] $status $upstream_bytes_sent";

  private static final DateTimeFormatter TIME_LOCAL =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);
  private static final DateTimeFormatter ISO8601 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

  private final String text;
  private final List<Object> parts;
  private final ZoneId zone;

  private AccessLogFormat(String text, List<Object> parts, ZoneId zone) {
    this.text = text;
    this.parts = parts;
    this.zone = zone;
  }

  /** Parses a format in the system time zone (nginx's {@code $time_local}). */
  public static AccessLogFormat parse(String format) {
    return parse(format, ZoneId.systemDefault());
  }

  /** Parses a format; surrounding single quotes, as written in nginx.conf, are removed. */
  public static AccessLogFormat parse(String format, ZoneId zone) {
    Objects.requireNonNull(format, "format");
    String text = format;
    if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
      text = text.substring(1, text.length() - 1);
    }
    List<Object> parts =
        NginxVariables.split(
            text,
            "log_format '" + format + "'",
            name -> {
              try {
                return Variable.valueOf(name.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "unknown variable \"$" + name + "\" in log_format '" + format + "'", e);
              }
            });
    return new AccessLogFormat(text, parts, Objects.requireNonNull(zone, "zone"));
  }

  /** One log line, without the newline. */
  public String format(Entry e) {
    StringBuilder sb = new StringBuilder(128);
    for (Object part : parts) {
      if (part instanceof String literal) {
        sb.append(literal);
        continue;
      }
      switch ((Variable) part) {
        case REMOTE_ADDR -> sb.append(e.remoteAddr());
        case REMOTE_PORT -> sb.append(e.remotePort());
        case SERVER_ADDR -> sb.append(e.serverAddr());
        case SERVER_PORT -> sb.append(e.serverPort());
        case UPSTREAM_ADDR -> {
          if (e.attempts().isEmpty()) {
            // nginx prints the group name when no server could be selected
            sb.append(e.upstreamName() == null ? "-" : e.upstreamName());
          } else {
            join(sb, e, a -> a.address());
          }
        }
        case TIME_LOCAL ->
            sb.append(TIME_LOCAL.format(Instant.ofEpochMilli(e.endEpochMillis()).atZone(zone)));
        case TIME_ISO8601 ->
            sb.append(ISO8601.format(Instant.ofEpochMilli(e.endEpochMillis()).atZone(zone)));
        case MSEC -> seconds(sb, e.endEpochMillis());
        case STATUS -> sb.append(e.status());
        case BYTES_SENT -> sb.append(e.bytesSent());
        case BYTES_RECEIVED -> sb.append(e.bytesReceived());
        case UPSTREAM_BYTES_SENT -> joinOrDash(sb, e, a -> Long.toString(a.bytesSent()));
        case UPSTREAM_BYTES_RECEIVED -> joinOrDash(sb, e, a -> Long.toString(a.bytesReceived()));
        case SESSION_TIME -> seconds(sb, e.sessionMillis());
        case UPSTREAM_CONNECT_TIME ->
            joinOrDash(
                sb,
                e,
                a -> {
                  if (a.connectMillis() < 0) {
                    return "-";
                  }
                  StringBuilder t = new StringBuilder();
                  seconds(t, a.connectMillis());
                  return t.toString();
                });
        case PROTOCOL -> sb.append("TCP");
        case CONNECTION -> sb.append(e.connection());
        case PROXY_PROTOCOL_ADDR -> orDash(sb, e.proxyProtocolAddr(), e.proxyProtocolAddr());
        case PROXY_PROTOCOL_PORT -> orDash(sb, e.proxyProtocolAddr(), e.proxyProtocolPort());
        case PROXY_PROTOCOL_SERVER_ADDR ->
            orDash(sb, e.proxyProtocolServerAddr(), e.proxyProtocolServerAddr());
        case PROXY_PROTOCOL_SERVER_PORT ->
            orDash(sb, e.proxyProtocolServerAddr(), e.proxyProtocolServerPort());
        case REALIP_REMOTE_ADDR -> sb.append(e.realipRemoteAddr());
        case REALIP_REMOTE_PORT -> sb.append(e.realipRemotePort());
      }
    }
    return sb.toString();
  }

  /** nginx logs a variable that is not found (no PROXY header) as {@code -}. */
  private static void orDash(StringBuilder sb, String presentIf, Object value) {
    sb.append(presentIf == null ? "-" : value);
  }

  private static void join(
      StringBuilder sb, Entry e, java.util.function.Function<UpstreamAttempt, String> f) {
    for (int i = 0; i < e.attempts().size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(f.apply(e.attempts().get(i)));
    }
  }

  private static void joinOrDash(
      StringBuilder sb, Entry e, java.util.function.Function<UpstreamAttempt, String> f) {
    if (e.attempts().isEmpty()) {
      sb.append('-');
    } else {
      join(sb, e, f);
    }
  }

  /** nginx's {@code %T.%03M}: seconds with millisecond resolution. */
  private static void seconds(StringBuilder sb, long millis) {
    sb.append(millis / 1000).append('.');
    long ms = millis % 1000;
    if (ms < 100) {
      sb.append('0');
    }
    if (ms < 10) {
      sb.append('0');
    }
    sb.append(ms);
  }

  @Override
  public String toString() {
    return text;
  }
}
