package org.ha4j.health;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.health.net.HttpProbe;
import org.ha4j.health.net.TcpProbe;
import org.ha4j.health.os.ExecProbe;
import org.ha4j.health.os.ProcessProbe;
import org.ha4j.health.os.SystemProbes;

/**
 * Every built-in probe in one place, plus composites and a text form for configuration and flags.
 * Options beyond the defaults are on each probe's own builder ({@link HttpProbe}, {@link
 * ExecProbe}, {@link ProcessProbe}, {@link SystemProbes}, {@link TcpProbe}).
 *
 * <table>
 *   <caption>Text forms accepted by {@link #parse(String)}</caption>
 *   <tr><th>spec</th><th>healthy when</th></tr>
 *   <tr><td>{@code tcp:HOST:PORT}</td><td>a TCP connection opens</td></tr>
 *   <tr><td>{@code http://...}, {@code https://...}</td><td>GET answers 200-399</td></tr>
 *   <tr><td>{@code exec:COMMAND ARGS}</td><td>the command exits 0 (keepalived {@code vrrp_script})</td></tr>
 *   <tr><td>{@code process:NAME}</td><td>a process of that name runs</td></tr>
 *   <tr><td>{@code pidfile:PATH}</td><td>the process the pid file names runs</td></tr>
 *   <tr><td>{@code load:MAX}</td><td>the 1-minute load average is at most MAX</td></tr>
 *   <tr><td>{@code cpu:PERCENT}</td><td>CPU busy at most PERCENT since the last check</td></tr>
 *   <tr><td>{@code memory:SIZE} / {@code memory:PERCENT%}</td><td>MemAvailable at least SIZE (k, M, G suffixes) or PERCENT of MemTotal</td></tr>
 *   <tr><td>{@code diskio:PERCENT} / {@code diskio:DEVICE:PERCENT}</td><td>the busiest disk (or DEVICE) busy at most PERCENT</td></tr>
 * </table>
 */
public final class Probes {

  /** The kinds {@link #parse(String)} knows, in the order its error message lists them. */
  public static final List<String> KINDS =
      List.of(
          "tcp", "http", "https", "exec", "process", "pidfile", "load", "cpu", "memory", "diskio");

  private Probes() {}

  public static AsyncProbe tcp(String host, int port) {
    return TcpProbe.connect(host, port);
  }

  /**
   * GET with the default rules (200-399, no body check); see {@link HttpProbe#get(URI)} for more.
   */
  public static AsyncProbe http(URI uri) {
    return HttpProbe.get(uri).build();
  }

  /** A command run with keepalived {@code vrrp_script} semantics; see {@link ExecProbe}. */
  public static AsyncProbe exec(String commandLine) {
    return ExecProbe.builder(commandLine).build();
  }

  public static AsyncProbe process(String name) {
    return ProcessProbe.named(name).build();
  }

  public static AsyncProbe pidFile(Path path) {
    return ProcessProbe.pidFile(path).build();
  }

  /** A check written as a lambda: {@code Probes.custom("queue", () -> queue.size() < 10_000)}. */
  public static AsyncProbe custom(String name, BooleanSupplier healthy) {
    Objects.requireNonNull(healthy, "healthy");
    return named(
        name,
        AsyncProbe.blocking(
            context ->
                healthy.getAsBoolean()
                    ? ProbeResult.ok()
                    : ProbeResult.failed(name + " reports unhealthy")));
  }

  /** Gives a probe the name its results and composites show. */
  public static AsyncProbe named(String name, AsyncProbe probe) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probe, "probe");
    return new AsyncProbe() {
      @Override
      public CompletionStage<ProbeResult> start(ProbeContext context) {
        return probe.start(context);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** Healthy when every one of {@code probes} is. */
  public static AsyncProbe all(AsyncProbe... probes) {
    return new CompositeProbe("all", probes.length, children(probes));
  }

  /** Healthy when at least one of {@code probes} is. */
  public static AsyncProbe any(AsyncProbe... probes) {
    return new CompositeProbe("any", 1, children(probes));
  }

  /** Healthy when at least {@code needed} (1 to the number of probes) of {@code probes} are. */
  public static AsyncProbe atLeast(int needed, AsyncProbe... probes) {
    List<AsyncProbe> children = children(probes);
    if (needed < 1 || needed > children.size()) {
      throw new IllegalArgumentException(
          "atLeast needs 1-" + children.size() + " healthy probes, got " + needed);
    }
    return new CompositeProbe("atLeast" + needed, needed, children);
  }

  private static List<AsyncProbe> children(AsyncProbe... probes) {
    if (probes.length == 0) {
      throw new IllegalArgumentException("a composite needs at least 1 probe, got 0");
    }
    return List.of(probes); // rejects null elements
  }

  /**
   * Builds a probe from its text form (see the table above).
   *
   * @throws UnknownProbeKindException for a kind not in {@link #KINDS}
   * @throws IllegalArgumentException for a malformed value, naming the spec
   */
  public static AsyncProbe parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "a probe spec is KIND:VALUE (kinds: "
              + String.join(", ", KINDS)
              + "), got '"
              + spec
              + "'");
    }
    String kind = spec.substring(0, colon).toLowerCase(Locale.ROOT);
    String value = spec.substring(colon + 1);
    try {
      return switch (kind) {
        case "tcp" -> {
          int last = value.lastIndexOf(':');
          if (last <= 0) {
            throw new IllegalArgumentException("expected tcp:HOST:PORT");
          }
          String host = value.substring(0, last);
          if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
          }
          yield tcp(
              host,
              ConfigNumbers.parseInt(
                  value.substring(last + 1), Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        case "http", "https" -> http(URI.create(spec));
        case "exec" -> exec(value);
        case "process" -> process(value);
        case "pidfile" -> pidFile(Path.of(value));
        case "load" -> SystemProbes.loadAverage(1, Double.parseDouble(value));
        case "cpu" -> SystemProbes.cpuBusy(Double.parseDouble(value));
        case "memory" ->
            value.endsWith("%")
                ? SystemProbes.memoryAvailablePercent(
                    Double.parseDouble(value.substring(0, value.length() - 1)))
                : SystemProbes.memoryAvailable(parseSize(value));
        case "diskio" -> {
          int at = value.lastIndexOf(':');
          yield at < 0
              ? SystemProbes.diskBusy(null, Double.parseDouble(value))
              : SystemProbes.diskBusy(
                  value.substring(0, at), Double.parseDouble(value.substring(at + 1)));
        }
        default -> throw new UnknownProbeKindException(kind, spec, KINDS);
      };
    } catch (UnknownProbeKindException e) {
      throw e;
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new IllegalArgumentException("invalid probe '" + spec + "': " + e.getMessage(), e);
    }
  }

  private static long parseSize(String text) {
    String t = text.strip();
    long unit = 1;
    char last = t.isEmpty() ? ' ' : Character.toUpperCase(t.charAt(t.length() - 1));
    if (last == 'K' || last == 'M' || last == 'G') {
      unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1);
    }
    if (!t.matches("\\d{1,15}")) {
      throw new IllegalArgumentException("expected a size such as 512M, got '" + text + "'");
    }
    return Long.parseLong(t) * unit;
  }
}
