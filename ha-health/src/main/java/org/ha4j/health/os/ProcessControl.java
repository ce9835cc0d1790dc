package org.ha4j.health.os;

/**
 * The few process calls the script runner needs that the JDK lacks: signalling a process group,
 * becoming a child subreaper and reaping an adopted orphan. {@link LinuxProcessControl} makes them
 * through ha-core's native layer; {@link #FALLBACK} does what the JDK alone can.
 */
interface ProcessControl {

  int SIGKILL = 9;
  int SIGTERM = 15;

  /** Sends a signal to one process; false if it no longer exists. */
  boolean signal(long pid, int signal);

  /**
   * Sends a signal to every process in a process group ({@code kill(-pgid, sig)}); false if none.
   */
  boolean signalGroup(long pgid, int signal);

  /**
   * Makes this JVM the reaper of orphaned descendants ({@code prctl(PR_SET_CHILD_SUBREAPER)}, Linux
   * 3.4), so a script's grandchildren killed after the script itself come back to us to be reaped
   * instead of to PID 1, which in containers often never reaps them.
   *
   * @return false if not possible here
   */
  boolean becomeChildSubreaper();

  /** Reaps one exited child of this process without blocking; true if it was reaped. */
  boolean reap(long pid);

  /** The libc implementation when JNA loads, otherwise {@link #FALLBACK}. */
  static ProcessControl system() {
    return Holder.INSTANCE;
  }

  /** JDK-only: per-process signals through ProcessHandle, no groups, no subreaping. */
  ProcessControl FALLBACK =
      new ProcessControl() {
        @Override
        public boolean signal(long pid, int signal) {
          return ProcessHandle.of(pid)
              .map(h -> signal == SIGKILL ? h.destroyForcibly() : h.destroy())
              .orElse(false);
        }

        @Override
        public boolean signalGroup(long pgid, int signal) {
          return false;
        }

        @Override
        public boolean becomeChildSubreaper() {
          return false;
        }

        @Override
        public boolean reap(long pid) {
          return false;
        }
      };

  /** Loads the native implementation once, lazily. */
  final class Holder {
    static final ProcessControl INSTANCE = LinuxProcessControl.loadOr(FALLBACK);

    private Holder() {}
  }
}
