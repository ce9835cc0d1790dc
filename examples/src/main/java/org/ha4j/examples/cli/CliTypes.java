package org.ha4j.examples.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.config.ConfigText;
import org.ha4j.core.net.IpAddress;
import org.ha4j.proxy.RelayKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The flag value types every command shares, so a value is written the same way in each. A
 * converter's message completes "--FLAG ...": the usage error reads {@code --relay must be splice,
 * copy or auto, got 'zero'}.
 */
final class CliTypes {

  private CliTypes() {}

  /** What every duration flag's help says it takes. */
  static final String DURATION_FORMS =
      "nginx time (500ms, 1s, 1m, 1h30m) or plain seconds (1, 0.5)";

  /**
   * A duration as nginx writes one ({@code 500ms}, {@code 1s}, {@code 1m}, {@code 1h30m}), or plain
   * seconds as keepalived and the older flags take them ({@code 1}, {@code 0.5}).
   */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        return text.strip().matches("\\d+\\.\\d+")
            ? ConfigDurations.parseSeconds(text)
            : ConfigDurations.parseNginx(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "must be " + DURATION_FORMS + ", got '" + ConfigText.echo(text) + "'");
      }
    }
  }

  /** A whole number in ASCII digits, an optional minus sign first. */
  static final class IntConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      try {
        return ConfigNumbers.parseInt(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "must be a whole number, got '" + ConfigText.echo(text) + "'");
      }
    }
  }

  /** Like {@link IntConverter}, for 64-bit values such as a seed. */
  static final class LongConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      try {
        return ConfigNumbers.parseLong(text, Long.MIN_VALUE, Long.MAX_VALUE);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "must be a whole number, got '" + ConfigText.echo(text) + "'");
      }
    }
  }

  /** {@code splice}, {@code copy} or {@code auto}, in any case. */
  static final class RelayConverter implements ITypeConverter<RelayKind> {
    @Override
    public RelayKind convert(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "splice" -> RelayKind.SPLICE;
        case "copy" -> RelayKind.COPY;
        case "auto" -> RelayKind.AUTO;
        default ->
            throw new TypeConversionException(
                "must be splice, copy or auto, got '" + ConfigText.echo(text) + "'");
      };
    }
  }

  /**
   * A listen address as nginx's {@code listen} takes it: {@code ADDRESS:PORT}, {@code *:PORT}, or a
   * bare {@code PORT}, which (as in nginx) is the IPv4 wildcard, {@code 0.0.0.0:PORT}.
   */
  static final class ListenConverter implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      String port = text.startsWith("*:") ? text.substring(2) : text;
      if (!port.matches("\\d+")) {
        return text; // ADDRESS:PORT: the proxy's builder checks it and names what is wrong
      }
      try {
        return "0.0.0.0:" + ConfigNumbers.parseInt(port, 1, 65535);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "must be PORT (1-65535), *:PORT or ADDRESS:PORT, got '" + ConfigText.echo(text) + "'");
      }
    }
  }

  /**
   * The address of the status port ({@code --status-listen}, {@code ./ha4j status}), written as the
   * other listen flags are: {@code ADDRESS:PORT} (an IP address, IPv6 in brackets), {@code *:PORT}
   * for every IPv4 address, or a bare {@code PORT}, which unlike {@code --listen} means {@code
   * 127.0.0.1:PORT}: metrics and state say more about a host than it should tell the network
   * unasked. Port 0 takes a free port.
   */
  static final class StatusAddressConverter implements ITypeConverter<InetSocketAddress> {
    static final String FORMS = "PORT (0-65535, on 127.0.0.1), *:PORT or IP:PORT";

    @Override
    public InetSocketAddress convert(String text) {
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "must be " + FORMS + ", got '" + ConfigText.echo(text) + "'");
      }
    }

    static InetSocketAddress parse(String text) {
      int colon = text.lastIndexOf(':');
      String host = colon < 0 ? "" : text.substring(0, colon);
      int port = ConfigNumbers.parseInt(text.substring(colon + 1), 0, 65535);
      if (colon < 0) {
        return new InetSocketAddress(IpAddress.parse("127.0.0.1").toInetAddress(), port);
      }
      if (host.equals("*")) {
        return new InetSocketAddress(IpAddress.parse("0.0.0.0").toInetAddress(), port);
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new IllegalArgumentException("an IPv6 address goes in brackets");
      }
      return new InetSocketAddress(IpAddress.parse(host).toInetAddress(), port);
    }
  }

  /**
   * @throws UsageException naming the flag and its range
   */
  static int within(int value, String flag, int min, int max) throws UsageException {
    if (value < min || value > max) {
      throw new UsageException(flag + " must be " + min + "-" + max + ", got " + value);
    }
    return value;
  }

  /**
   * @throws UsageException naming the flag and its range, written as nginx writes durations
   */
  static Duration within(Duration value, String flag, Duration min, Duration max)
      throws UsageException {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new UsageException(
          flag
              + " must be "
              + ConfigDurations.format(min)
              + "-"
              + ConfigDurations.format(max)
              + ", got "
              + ConfigDurations.format(value));
    }
    return value;
  }
}
