package org.ha4j.core.linux;

import org.ha4j.core.linux.LinuxConstants.Process;

/**
 * The process calls the JDK lacks: signalling a process group, becoming a child subreaper, reaping
 * an adopted orphan. Failures are {@link NativeCallException}s naming the call; the expected
 * "nothing there" outcomes (ESRCH, ECHILD) are return values.
 */
public final class LinuxProcesses {

  private LinuxProcesses() {}

  /**
   * {@code kill(pid, signal)}.
   *
   * @return false if there is no such process
   */
  public static boolean signal(long pid, int signal) throws NativeCallException {
    if (pid < 1) {
      throw new IllegalArgumentException("a pid is >= 1, got " + pid);
    }
    return kill(Math.toIntExact(pid), signal);
  }

  /**
   * {@code kill(-pgid, signal)}: every process of the group.
   *
   * @return false if the group has no process
   */
  public static boolean signalGroup(long pgid, int signal) throws NativeCallException {
    if (pgid <= 1) {
      throw new IllegalArgumentException(
          "a process group to signal is >= 2 (1 would be init's), got " + pgid);
    }
    return kill(-Math.toIntExact(pgid), signal);
  }

  private static boolean kill(int target, int signal) throws NativeCallException {
    if (LibC.kill(target, signal) == 0) {
      return true;
    }
    if (LibC.errno() == Errno.ESRCH) {
      return false;
    }
    throw LibC.failure("kill(" + target + ", " + signal + ")", null);
  }

  /**
   * {@code prctl(PR_SET_CHILD_SUBREAPER, 1)} (Linux 3.4): orphaned descendants are re-parented to
   * this process.
   */
  public static void becomeChildSubreaper() throws NativeCallException {
    if (LibC.prctl(Process.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
      throw LibC.failure("prctl(PR_SET_CHILD_SUBREAPER)", null);
    }
  }

  /**
   * {@code waitpid(pid, WNOHANG)}: reaps one exited child without blocking.
   *
   * @return true if it was reaped; false if it still runs, is not our child or was reaped already
   *     (ECHILD)
   */
  public static boolean reap(long pid) throws NativeCallException {
    if (pid < 1) {
      throw new IllegalArgumentException("a pid is >= 1, got " + pid);
    }
    int result = LibC.waitpid(Math.toIntExact(pid), new int[1], Process.WNOHANG);
    if (result >= 0) {
      return result == pid;
    }
    if (LibC.errno() == Errno.ECHILD) {
      return false;
    }
    throw LibC.failure("waitpid(" + pid + ", WNOHANG)", null);
  }
}
