package org.ha4j.examples.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a signal means to a long-running command ({@code run}, {@code node}, {@code proxy}); one
 * policy for all three.
 *
 * <ul>
 *   <li>{@code TERM}, {@code INT}: stop gracefully (priority-0 advertisement, VIPs removed, the
 *       proxy drained, the pid file removed), then exit 0;
 *   <li>{@code USR1} (keepalived's state dump, nginx's {@code reopen}): the access log files are
 *       opened again at their paths, for logrotate, and the node's state is written to the state
 *       file ({@code --state-file});
 *   <li>{@code USR2} (keepalived's stats dump): the metrics, in Prometheus's text format, are
 *       written to the stats file ({@code --stats-file});
 *   <li>{@code HUP} (keepalived's and nginx's reload): the command's files are read again and what
 *       changed is applied while the node runs; a file with errors changes nothing. A command
 *       without files ({@code node}) logs that there is nothing to reload;
 *   <li>none of these stops a node, and each is logged with its outcome; they run one at a time;
 *   <li>{@code QUIT} stays the JVM's: a thread dump on stderr, the process runs on.
 * </ul>
 *
 * <p>Why handlers and not a shutdown hook: the JVM's own handlers end the process on HUP and USR1
 * with nothing cleaned up, and a hook runs while the JVM is already exiting with 128+N, so even a
 * clean drain reports 143, which systemd counts as a failure. With these handlers the command's
 * main thread does the stop itself and returns 0.
 *
 * <p>{@code USR2} is HotSpot's thread suspend/resume signal unless the environment variable {@value
 * #SUSPEND_SIGNAL_VARIABLE} moves it elsewhere. The JDK lets an application take {@code USR2} over
 * anyway, and then every thread sample that JFR or a profiler asks for lands in the application's
 * handler instead: a recording of the node gets no execution samples. So {@code USR2} is caught
 * only when that variable names another signal (the {@code ha4j} launcher sets it); otherwise it
 * stays the JVM's, which logs a stray {@code USR2} as a warning and keeps running.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is reached by reflection because javac
 * reports any compiled reference to it as a warning that cannot be suppressed, and the build treats
 * warnings as errors.
 */
final class ProcessSignals {

  /** HotSpot reads the number of its thread suspend/resume signal from this variable at start. */
  static final String SUSPEND_SIGNAL_VARIABLE = "_JAVA_SR_SIGNUM";

  private static final int SIGUSR2 = 12;

  /** The name of the warning for a signal ignored since the process started. */
  static final String SIGNAL_IGNORED_AT_START = "SIGNAL_IGNORED_AT_START";

  /** Linux's numbers of the signals {@link #install} may catch. */
  private static final Map<String, Integer> SIGNAL_NUMBERS =
      Map.of("HUP", 1, "INT", 2, "USR1", 10, "USR2", SIGUSR2, "TERM", 15);

  /** What each operator signal does, for its log line. */
  private static final Map<String, String> OPERATOR_SIGNALS =
      Map.of("USR1", "reopening logs, dumping state", "USR2", "dumping stats", "HUP", "reloading");

  /** What an operator signal has nothing to act on while the command starts. */
  private static final Map<String, String> NOTHING_YET =
      Map.of("USR1", "nothing to dump", "USR2", "nothing to dump", "HUP", "nothing to reload");

  private final Consumer<String> log;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private final Map<String, Action> actions = new HashMap<>();

  /** What a signal does once the command runs: the log line's verb and the action's outcome. */
  private record Action(String operation, Supplier<String> outcome) {}

  private ProcessSignals(Consumer<String> log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Catches TERM, INT, HUP, USR1 and, when the JVM does not need it, USR2 for this process; {@code
   * log} gets one line per signal.
   */
  static ProcessSignals install(Consumer<String> log) {
    ProcessSignals signals = new ProcessSignals(log);
    List<String> caught = caughtSignals(System.getenv());
    for (String name : ignoredAtStart(ownStatus(), caught)) {
      log.accept(
          "WARNING SIG"
              + name
              + " is ignored ("
              + SIGNAL_IGNORED_AT_START
              + "): this process was started with it ignored (nohup does that to HUP, a shell"
              + " to a background job's INT),"
              + " and the JVM keeps it so: SIG"
              + name
              + " does nothing here");
    }
    for (String name : caught) {
      try {
        Handlers.handle(name, signals::received);
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.accept(
            "WARNING SIG"
                + name
                + " cannot be caught here ("
                + rootMessage(e)
                + "); it keeps the"
                + " JVM's default");
      }
    }
    return signals;
  }

  /**
   * Of {@code names}, those this process ignores, from the {@code SigIgn} mask of a {@code
   * /proc/<pid>/status} text (empty when it has none): a signal ignored when the JVM starts stays
   * ignored, whatever handler is installed later.
   */
  static List<String> ignoredAtStart(String procStatus, List<String> names) {
    List<String> ignored = new ArrayList<>();
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        for (String name : names) {
          Integer number = SIGNAL_NUMBERS.get(name);
          if (number != null && (mask & (1L << (number - 1))) != 0) {
            ignored.add(name);
          }
        }
      }
    }
    return ignored;
  }

  /** This process's {@code /proc/self/status}, or "" where there is none (not Linux). */
  private static String ownStatus() {
    try {
      return Files.readString(Path.of("/proc/self/status"));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The signals {@link #install} catches, given the process environment. */
  static List<String> caughtSignals(Map<String, String> environment) {
    List<String> names = new ArrayList<>(List.of("TERM", "INT", "HUP", "USR1"));
    if (suspendSignalMoved(environment.get(SUSPEND_SIGNAL_VARIABLE))) {
      names.add("USR2");
    }
    return names;
  }

  /**
   * Whether HotSpot took the variable's value: it accepts a number above SIGSEGV and below 65, the
   * first signal number Linux does not have, and otherwise keeps USR2.
   */
  private static boolean suspendSignalMoved(String value) {
    if (value == null || !value.matches("[0-9]{1,2}")) {
      return false;
    }
    int signal = Integer.parseInt(value);
    return signal > 11 && signal < 65 && signal != SIGUSR2;
  }

  /**
   * A policy with no handlers: the caller (a test, an embedding program) calls {@link
   * #requestStop}.
   */
  static ProcessSignals manual(Consumer<String> log) {
    return new ProcessSignals(log);
  }

  /**
   * What {@code USR1} and {@code USR2} do from now on; each returns the outcome to log. Set once
   * the command runs: until then the two are logged and ignored, since there is nothing to dump.
   */
  void operatorActions(Supplier<String> usr1, Supplier<String> usr2) {
    Objects.requireNonNull(usr1, "usr1");
    Objects.requireNonNull(usr2, "usr2");
    synchronized (actions) {
      actions.put("USR1", new Action(OPERATOR_SIGNALS.get("USR1"), usr1));
      actions.put("USR2", new Action(OPERATOR_SIGNALS.get("USR2"), usr2));
    }
  }

  /**
   * What {@code HUP} does from now on: reads the command's files again and applies them, returning
   * the outcome to log. Until then a {@code HUP} is logged and ignored.
   */
  void reloadAction(Supplier<String> reload) {
    Objects.requireNonNull(reload, "reload");
    synchronized (actions) {
      actions.put("HUP", new Action(OPERATOR_SIGNALS.get("HUP"), reload));
    }
  }

  /**
   * {@code HUP} from now on logs {@code nothing to reload: why} and changes nothing: the command
   * has no file to read again.
   */
  void nothingToReload(String why) {
    Objects.requireNonNull(why, "why");
    synchronized (actions) {
      actions.put("HUP", new Action("nothing to reload", () -> why));
    }
  }

  /**
   * Handles one signal by name, as the handler thread does. The JVM runs each signal's handler on a
   * thread of its own, so operator actions are serialised here: two quick {@code USR1}s write the
   * state file one after the other.
   */
  void received(String signal) {
    if (!OPERATOR_SIGNALS.containsKey(signal)) {
      requestStop("SIG" + signal);
      return;
    }
    synchronized (actions) {
      Action action = actions.get(signal);
      if (action == null) {
        log.accept(
            "received SIG"
                + signal
                + ": still starting, "
                + NOTHING_YET.get(signal)
                + "; ignoring");
        return;
      }
      String outcome;
      try {
        outcome = action.outcome().get();
      } catch (RuntimeException e) {
        outcome = "failed: " + rootMessage(e);
      }
      log.accept("received SIG" + signal + ": " + action.operation() + ": " + outcome);
    }
  }

  /** Asks the command to stop gracefully; the first reason wins, later ones are logged. */
  void requestStop(String reason) {
    if (stopReason.compareAndSet(null, reason)) {
      log.accept("received " + reason + ": stopping gracefully");
      stopRequested.countDown();
    } else {
      log.accept("received " + reason + ": already stopping (" + stopReason.get() + ")");
    }
  }

  /** Blocks until a stop is requested and returns why. */
  String awaitStop() throws InterruptedException {
    stopRequested.await();
    return stopReason.get();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t instanceof InvocationTargetException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The reflective bridge to {@code sun.misc.Signal.handle(Signal, SignalHandler)}. */
  private static final class Handlers {
    static void handle(String name, Consumer<String> onSignal) throws ReflectiveOperationException {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      Object handler =
          java.lang.reflect.Proxy.newProxyInstance(
              ProcessSignals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                return switch (method.getName()) {
                  case "handle" -> {
                    onSignal.accept(name);
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "SIG" + name + " handler";
                };
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signal, handler);
    }
  }
}
