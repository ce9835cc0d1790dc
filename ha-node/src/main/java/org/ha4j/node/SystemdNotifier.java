package org.ha4j.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.LinuxClock;
import org.ha4j.core.time.SystemScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service is doing, through the notify protocol of sd_notify(3): one datagram
 * of {@code KEY=VALUE} lines to the AF_UNIX socket named by {@code NOTIFY_SOCKET} (a path or an
 * {@code @abstract} name). Without {@code NOTIFY_SOCKET} (not run by systemd, or a unit that is not
 * {@code Type=notify}) every method does nothing at all: no socket, no log line.
 *
 * <p>{@code ./ha4j run}, {@code proxy} and {@code node} use it through {@link #supervise}. An
 * application that embeds a node and has more of its own to start calls {@link #ready()} itself
 * once everything is up, since only it knows when that is.
 *
 * <pre>{@code
 * SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
 * Lifecycle node = systemd.supervise(HaNode.fromFiles(keepalivedConf, nginxConf, options));
 * node.start();   // READY=1 once the listeners are bound and the VRRP instances run; watchdog ticks
 * ...
 * node.stop();    // STOPPING=1 first, then the node's stop order
 * }</pre>
 *
 * <p>Failures never reach the caller: a message that cannot be sent is logged once per reason (the
 * socket is missing, access is denied, no native layer, another send failure), so a watchdog
 * ticking every few seconds does not flood the journal, and the node keeps running. Thread-safe;
 * messages sent from different threads are independent datagrams.
 */
public final class SystemdNotifier {

  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  /** Why a message was not delivered; each is logged once. */
  enum Failure {
    SOCKET_MISSING("socket missing"),
    ACCESS_DENIED("access denied"),
    NO_NATIVE_LAYER("no native layer"),
    SEND_FAILED("send failed");

    private final String text;

    Failure(String text) {
      this.text = text;
    }

    static Failure of(IOException e) {
      if (e instanceof UnixNotifyTransport.NativeUnavailableException) {
        return NO_NATIVE_LAYER;
      }
      if (UnixNotifyTransport.failedWith(e, Errno.ENOENT)
          || UnixNotifyTransport.failedWith(e, Errno.ECONNREFUSED)) {
        return SOCKET_MISSING;
      }
      if (UnixNotifyTransport.failedWith(e, Errno.EACCES)
          || UnixNotifyTransport.failedWith(e, Errno.EPERM)) {
        return ACCESS_DENIED;
      }
      return SEND_FAILED;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** {@code CLOCK_MONOTONIC} in microseconds, the clock systemd reads for MONOTONIC_USEC. */
  @FunctionalInterface
  interface MonotonicClock {
    long micros() throws IOException;
  }

  private static final SystemdNotifier DISABLED =
      new SystemdNotifier(
          NotifyEnvironment.none(), (socket, message) -> {}, () -> 0, line -> log.warn(line));

  private final NotifyEnvironment environment;
  private final NotifyTransport transport;
  private final MonotonicClock clock;
  private final Consumer<String> warnings;
  private final Set<Failure> reported = EnumSet.noneOf(Failure.class);

  SystemdNotifier(
      NotifyEnvironment environment,
      NotifyTransport transport,
      MonotonicClock clock,
      Consumer<String> warnings) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    environment.problems().forEach(warnings);
  }

  /**
   * The notifier this process's environment asks for: {@code NOTIFY_SOCKET}, and {@code
   * WATCHDOG_USEC} when {@code WATCHDOG_PID} is unset or this process. A variable that is set but
   * unusable is logged (a warning naming it) and ignored.
   */
  public static SystemdNotifier fromEnvironment() {
    return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
  }

  /** {@link #fromEnvironment()} for a given environment and PID, wired as in production. */
  static SystemdNotifier fromEnvironment(Map<String, String> variables, long pid) {
    NotifyEnvironment environment = NotifyEnvironment.of(variables, pid);
    if (environment.socket().isEmpty() && environment.problems().isEmpty()) {
      return DISABLED;
    }
    return new SystemdNotifier(
        environment, new UnixNotifyTransport(), LinuxClock::monotonicMicros, log::warn);
  }

  /** A notifier that sends nothing, whatever the environment says. */
  public static SystemdNotifier disabled() {
    return DISABLED;
  }

  /** Whether messages are sent: {@code NOTIFY_SOCKET} names an AF_UNIX socket. */
  public boolean enabled() {
    return environment.socket().isPresent();
  }

  /**
   * How often {@link #supervise} sends {@code WATCHDOG=1}: half of {@code WATCHDOG_USEC}, as
   * sd_watchdog_enabled(3) advises, so one late tick does not trip the watchdog. Empty when the
   * unit has no {@code WatchdogSec}, or the watchdog is another process's.
   */
  public Optional<Duration> watchdogInterval() {
    return environment.watchdogTimeout().map(timeout -> timeout.dividedBy(2));
  }

  /** {@code READY=1}: start-up is complete, or a reload is done. */
  public void ready() {
    send("READY=1");
  }

  /**
   * {@code RELOADING=1} with {@code MONOTONIC_USEC}, which systemd 253 and later require to tell
   * this reload from an earlier one. Follow it with {@link #ready()} when the reload is over,
   * whether or not it applied anything; {@link #reload} does both.
   */
  public void reloading() {
    if (!enabled()) {
      return;
    }
    long micros;
    try {
      micros = clock.micros();
    } catch (IOException e) {
      reportOnce(Failure.of(e), "RELOADING=1", e);
      return;
    }
    send("RELOADING=1\nMONOTONIC_USEC=" + micros);
  }

  /** {@code STOPPING=1}: the service is shutting down; nothing more is expected of it. */
  public void stopping() {
    send("STOPPING=1");
  }

  /** {@code WATCHDOG=1}: the service is alive. */
  public void watchdog() {
    send("WATCHDOG=1");
  }

  /**
   * {@code STATUS=text}, shown by {@code systemctl status}; an empty text clears it. Line breaks
   * become spaces, since a newline would end the assignment.
   */
  public void status(String text) {
    send("STATUS=" + oneLine(text));
  }

  /**
   * Runs {@code reload} between {@code RELOADING=1} and {@code READY=1}, so {@code systemctl
   * reload} waits for it. {@code READY=1} follows a failure too, since the node keeps running its
   * previous configuration; the status then says the reload failed, and the next successful reload
   * clears it.
   *
   * @return what {@code reload} returned
   * @throws Exception what {@code reload} threw
   */
  public <T> T reload(Callable<T> reload) throws Exception {
    Objects.requireNonNull(reload, "reload");
    reloading();
    T result;
    try {
      result = reload.call();
    } catch (Exception | Error e) {
      send(
          "READY=1\nSTATUS="
              + oneLine("reload failed, running the previous configuration: " + e.getMessage()));
      throw e;
    }
    send("READY=1\nSTATUS=");
    return result;
  }

  /**
   * {@code node} as systemd should see it: {@code READY=1} after {@code node.start()} returns
   * (listeners bound, VRRP instances started), {@code WATCHDOG=1} every {@link #watchdogInterval()}
   * from then on, on a thread of its own; on stop the watchdog ends and {@code STOPPING=1} is sent
   * before the node's own stop order runs. Without {@code NOTIFY_SOCKET} it behaves exactly as
   * {@code node}.
   */
  public Lifecycle supervise(Lifecycle node) {
    Objects.requireNonNull(node, "node");
    return new SystemdSupervision<SystemScheduler>(
        node, this, () -> new SystemScheduler("ha4j-systemd-watchdog"), SystemScheduler::close);
  }

  private void send(String message) {
    Optional<String> socket = environment.socket();
    if (socket.isEmpty()) {
      return;
    }
    try {
      transport.send(socket.get(), message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      reportOnce(Failure.of(e), message, e);
    }
  }

  private void reportOnce(Failure failure, String message, IOException cause) {
    synchronized (reported) {
      if (!reported.add(failure)) {
        return;
      }
    }
    warnings.accept(
        "systemd notify: "
            + message.replace('\n', ' ')
            + " not sent to "
            + NotifyEnvironment.NOTIFY_SOCKET
            + "="
            + environment.socket().orElse("")
            + ": "
            + failure
            + " ("
            + cause.getMessage()
            + "); later '"
            + failure
            + "' failures are not logged, and the node keeps running");
  }

  private static String oneLine(String text) {
    return String.valueOf(text).replace('\r', ' ').replace('\n', ' ');
  }
}
