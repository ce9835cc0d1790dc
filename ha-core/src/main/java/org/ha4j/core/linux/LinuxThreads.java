package org.ha4j.core.linux;

/**
 * The calling thread's scheduling policy (sched(7)). A thread that must keep a timing promise on a
 * busy machine (VRRP adverts every few tens of milliseconds) runs under SCHED_RR, as keepalived's
 * {@code vrrp_rt_priority} puts its whole VRRP process: it then preempts every ordinary thread the
 * moment it becomes runnable, and the kernel's real-time throttling (sched_rt_runtime_us) still
 * keeps a runaway one from taking a whole CPU.
 */
public final class LinuxThreads {

  /** sched(7) SCHED_OTHER, the default time-sharing policy. */
  public static final int SCHED_OTHER = 0;

  /** sched(7) SCHED_RR. */
  public static final int SCHED_RR = 2;

  private LinuxThreads() {}

  /**
   * {@code sched_setscheduler(0, SCHED_RR, priority)}: the calling thread only.
   *
   * @throws IllegalArgumentException when {@code priority} is not 1-99
   * @throws NativeCallException naming the call; EPERM names CAP_SYS_NICE
   */
  public static void roundRobin(int priority) throws NativeCallException {
    roundRobin(0, priority);
  }

  /**
   * {@code sched_setscheduler(threadId, SCHED_RR, priority)}: one thread of this process, by its
   * Linux thread id (a {@code /proc/self/task} entry); 0 = the calling thread.
   *
   * @throws IllegalArgumentException when {@code priority} is not 1-99 or the id is negative
   * @throws NativeCallException naming the call; EPERM names CAP_SYS_NICE
   */
  public static void roundRobin(int threadId, int priority) throws NativeCallException {
    if (priority < 1 || priority > 99) {
      throw new IllegalArgumentException("a SCHED_RR priority is 1-99, got " + priority);
    }
    if (threadId < 0) {
      throw new IllegalArgumentException("a thread id is >= 0, got " + threadId);
    }
    if (LibC.sched_setscheduler(threadId, SCHED_RR, new int[] {priority}) < 0) {
      throw LibC.failure(
          "sched_setscheduler(" + threadId + ", SCHED_RR, " + priority + ")",
          Capability.CAP_SYS_NICE);
    }
  }

  /** {@code sched_getscheduler(0)}: the calling thread's policy, e.g. {@link #SCHED_RR}. */
  public static int policy() throws NativeCallException {
    int policy = LibC.sched_getscheduler(0);
    if (policy < 0) {
      throw LibC.failure("sched_getscheduler", null);
    }
    return policy;
  }
}
