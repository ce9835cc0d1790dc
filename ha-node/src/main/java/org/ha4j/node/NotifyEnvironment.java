package org.ha4j.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What systemd tells a service through its environment (sd_notify(3), sd_watchdog_enabled(3)): the
 * socket to notify and the watchdog timeout. Pure: read from a map and a PID, so every case is a
 * unit test. A value ha4j cannot use is ignored with a named problem, never an exception: a service
 * manager's odd environment must not stop a load balancer from starting.
 *
 * @param socket {@code NOTIFY_SOCKET} when it names an AF_UNIX socket: an absolute path or an
 *     {@code @abstract} name
 * @param watchdogTimeout {@code WATCHDOG_USEC} when it is meant for this process ({@code
 *     WATCHDOG_PID} unset or this PID) and there is a socket to tell
 * @param problems why a variable that is set was ignored, one line each
 */
record NotifyEnvironment(
    Optional<String> socket, Optional<Duration> watchdogTimeout, List<String> problems) {

  static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
  static final String WATCHDOG_USEC = "WATCHDOG_USEC";
  static final String WATCHDOG_PID = "WATCHDOG_PID";

  /** {@code sizeof(sun_path) - 1}: the longest name an AF_UNIX address holds. */
  private static final int MAX_SOCKET_NAME_BYTES = 107;

  NotifyEnvironment {
    problems = List.copyOf(problems);
  }

  static NotifyEnvironment none() {
    return new NotifyEnvironment(Optional.empty(), Optional.empty(), List.of());
  }

  static NotifyEnvironment of(Map<String, String> environment, long pid) {
    List<String> problems = new ArrayList<>();
    Optional<String> socket = socket(environment.get(NOTIFY_SOCKET), problems);
    Optional<Duration> watchdog =
        socket.isPresent() ? watchdog(environment, pid, problems) : Optional.empty();
    return new NotifyEnvironment(socket, watchdog, problems);
  }

  private static Optional<String> socket(String value, List<String> problems) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    String name = value.startsWith("@") ? value.substring(1) : value;
    if (!value.startsWith("/") && !value.startsWith("@") || name.isEmpty()) {
      // systemd >= 254 may also name an AF_VSOCK address (vsock:CID:PORT), for a VM's manager
      problems.add(
          NOTIFY_SOCKET
              + "="
              + value
              + " is neither an absolute path nor an @abstract name; ha4j notifies over AF_UNIX"
              + " only, so systemd is not told");
      return Optional.empty();
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_NAME_BYTES) {
      problems.add(
          NOTIFY_SOCKET
              + " names a socket of more than "
              + MAX_SOCKET_NAME_BYTES
              + " bytes, which no AF_UNIX address holds, so systemd is not told: "
              + value);
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private static Optional<Duration> watchdog(
      Map<String, String> environment, long pid, List<String> problems) {
    String usec = environment.get(WATCHDOG_USEC);
    if (usec == null || usec.isEmpty()) {
      return Optional.empty();
    }
    String watchdogPid = environment.get(WATCHDOG_PID);
    if (watchdogPid != null && !watchdogPid.isEmpty()) {
      long meantFor = positive(watchdogPid);
      if (meantFor < 0) {
        problems.add(
            WATCHDOG_PID + "=" + watchdogPid + " is not a PID, so the watchdog is not served");
        return Optional.empty();
      }
      if (meantFor != pid) {
        // the watchdog is another process's (a wrapper that started this JVM): not ours to serve
        return Optional.empty();
      }
    }
    long micros = positive(usec);
    if (micros <= 0) {
      problems.add(
          WATCHDOG_USEC
              + "="
              + usec
              + " is not a positive number of microseconds, so the watchdog is not served");
      return Optional.empty();
    }
    return Optional.of(Duration.of(micros, ChronoUnit.MICROS));
  }

  /** The decimal value, or -1 for anything else (a sign, spaces, overflow). */
  private static long positive(String text) {
    if (text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(text);
  }
}
