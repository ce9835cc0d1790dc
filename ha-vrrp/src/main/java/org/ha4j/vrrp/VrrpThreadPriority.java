package org.ha4j.vrrp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.ha4j.core.linux.LinuxThreads;
import org.ha4j.core.linux.NativeCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a VRRP thread (the protocol thread that sends adverts and times the master's death, and the
 * receiver) under SCHED_RR, as keepalived's {@code vrrp_rt_priority} does for its VRRP process: at
 * sub-second intervals a thread that waits its turn behind busy ordinary threads sends adverts late
 * enough for the backup to take over from a healthy master. The priority comes from the system
 * property {@value #PROPERTY} (1-99, default {@value #DEFAULT_PRIORITY}; 0 leaves the threads
 * alone). Without CAP_SYS_NICE the thread keeps its priority and a warning named {@value
 * #NOT_RAISED} says so; VRRP runs on.
 *
 * <p>When the system property {@value #JVM_THREADS_PROPERTY} is {@code true} (the {@code ha4j}
 * launcher sets it; an application that embeds ha4j decides for its own JVM), the JVM's own pause
 * threads get the same priority, once per process: the VM thread (it runs every safepoint
 * operation, and the whole collection under the serial collector) and the parallel collectors'
 * {@code GC Thread#n} workers. A stop-the-world pause halts the VRRP threads too, and on a
 * saturated CPU an ordinary-priority VM thread waits its turn in the middle of one: measured in the
 * VRRPv3 soak, young collections of a few milliseconds stretched to 50-140 ms and safepoints to 300
 * ms. Concurrent collector threads are left alone.
 */
final class VrrpThreadPriority {

  static final String PROPERTY = "ha4j.vrrp.realtimePriority";
  static final int DEFAULT_PRIORITY = 10;
  static final String NOT_RAISED = "VRRP_THREAD_PRIORITY_NOT_RAISED";

  /**
   * Whether the JVM's pause threads are raised too: they belong to the whole process, so a library
   * leaves them alone unless asked.
   */
  static final String JVM_THREADS_PROPERTY = "ha4j.vrrp.realtimeJvmThreads";

  private static final Logger log = LoggerFactory.getLogger(VrrpThreadPriority.class);

  /** How a thread's policy is set; {@link LinuxThreads#roundRobin} but in tests. */
  @FunctionalInterface
  interface Scheduling {
    void roundRobin(int priority) throws NativeCallException;
  }

  private static final AtomicBoolean pauseThreadsRaised = new AtomicBoolean();

  private VrrpThreadPriority() {}

  /**
   * Raises the JVM's pause threads (see the class comment), the first time only, when {@value
   * #JVM_THREADS_PROPERTY} asks for it.
   */
  static void raisePauseThreadsIfAsked(String instance) {
    if (Boolean.getBoolean(JVM_THREADS_PROPERTY)) {
      raisePauseThreads(instance);
    }
  }

  /** Raises the JVM's pause threads (see the class comment), the first time only. */
  static void raisePauseThreads(String instance) {
    int priority = configuredPriority();
    if (priority == 0 || !pauseThreadsRaised.compareAndSet(false, true)) {
      return;
    }
    Path tasks = Path.of("/proc/self/task");
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) threads::iterator) {
        String comm = readComm(task);
        if (isPauseThread(comm)) {
          int tid = Integer.parseInt(task.getFileName().toString());
          String warning =
              raise(instance, "JVM '" + comm + "'", priority, p -> LinuxThreads.roundRobin(tid, p));
          if (warning != null) {
            log.warn(warning);
            return; // one warning is enough: the others would be refused alike
          }
        }
      }
    } catch (IOException e) {
      log.warn("({}) {}: cannot list {}: {}", instance, NOT_RAISED, tasks, e.getMessage());
    }
  }

  /** The VM thread and the parallel GC workers; never the concurrent collector threads. */
  static boolean isPauseThread(String comm) {
    return comm.equals("VM Thread") || comm.startsWith("GC Thread#");
  }

  private static String readComm(Path task) {
    try {
      return Files.readString(task.resolve("comm")).trim();
    } catch (IOException e) {
      return ""; // the thread ended meanwhile
    }
  }

  /** Raises the calling thread; logs why not if it could not. */
  static void raise(String instance, String role) {
    String warning = raise(instance, role, configuredPriority(), LinuxThreads::roundRobin);
    if (warning != null) {
      log.warn(warning);
    }
  }

  /**
   * @return the warning to log, or null when raised (or not asked for)
   */
  static String raise(String instance, String role, int priority, Scheduling scheduling) {
    if (priority == 0) {
      return null;
    }
    try {
      scheduling.roundRobin(priority);
      log.debug("({}) {} thread under SCHED_RR priority {}", instance, role, priority);
      return null;
    } catch (NativeCallException | IllegalArgumentException e) {
      return "("
          + instance
          + ") "
          + NOT_RAISED
          + ": the "
          + role
          + " thread keeps its normal priority ("
          + e.getMessage()
          + "); on a saturated CPU adverts may be late enough for a false takeover. Grant"
          + " CAP_SYS_NICE, or set -D"
          + PROPERTY
          + "=0 to leave VRRP threads alone";
    }
  }

  private static int configuredPriority() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return DEFAULT_PRIORITY;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return -1; // refused by LinuxThreads with the allowed range, in the warning
    }
  }
}
