package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.linux.LinuxThreads;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.Test;

/** The VRRP threads' SCHED_RR: raised when allowed, a named warning (never a failure) otherwise. */
class VrrpThreadPriorityTest {

  /** Runs {@code raise} on a fresh thread: what it returned, and that thread's policy after. */
  private static String onFreshThread(int priority) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                String warning =
                    VrrpThreadPriority.raise(
                        "VI_1", "protocol", priority, LinuxThreads::roundRobin);
                outcome.complete(LinuxThreads.policy() + " " + warning);
              } catch (Exception e) {
                outcome.completeExceptionally(e);
              }
            });
    thread.start();
    String result = outcome.get(10, TimeUnit.SECONDS);
    thread.join(10_000);
    return result;
  }

  @Test
  void asRootTheThreadRunsUnderRoundRobin() throws Exception {
    Privileges.assumeRoot("CAP_SYS_NICE");
    assertThat(onFreshThread(VrrpThreadPriority.DEFAULT_PRIORITY))
        .isEqualTo(LinuxThreads.SCHED_RR + " null");
  }

  @Test
  void aRefusalIsANamedWarningAndTheThreadRunsOn() throws Exception {
    String result = onFreshThread(150);
    assertThat(result)
        .startsWith(LinuxThreads.SCHED_OTHER + " (VI_1) " + VrrpThreadPriority.NOT_RAISED)
        .contains("protocol thread keeps its normal priority")
        .contains("1-99, got 150");
  }

  @Test
  void zeroLeavesTheThreadAlone() throws Exception {
    assertThat(onFreshThread(0)).isEqualTo(LinuxThreads.SCHED_OTHER + " null");
  }

  @Test
  void asRootTheJvmPauseThreadsRunUnderRoundRobinButNotTheConcurrentOnes() throws Exception {
    Privileges.assumeRoot("CAP_SYS_NICE");
    VrrpThreadPriority.raisePauseThreads("VI_1");

    java.util.Map<String, Integer> policies = new java.util.TreeMap<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        String comm = java.nio.file.Files.readString(task.resolve("comm")).trim();
        String stat = java.nio.file.Files.readString(task.resolve("stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        policies.put(comm, Integer.parseInt(after[41 - 3]));
      }
    }
    assertThat(policies).containsEntry("VM Thread", LinuxThreads.SCHED_RR);
    policies.forEach(
        (comm, policy) -> {
          if (!VrrpThreadPriority.isPauseThread(comm)) {
            assertThat(policy).as(comm).isEqualTo(LinuxThreads.SCHED_OTHER);
          }
        });
  }

  @Test
  void thePauseThreadsAreTheVmThreadAndTheParallelGcWorkers() {
    assertThat(VrrpThreadPriority.isPauseThread("VM Thread")).isTrue();
    assertThat(VrrpThreadPriority.isPauseThread("GC Thread#0")).isTrue();
    assertThat(VrrpThreadPriority.isPauseThread("G1 Conc#0")).isFalse();
    assertThat(VrrpThreadPriority.isPauseThread("ZWorker#0")).isFalse();
    assertThat(VrrpThreadPriority.isPauseThread("main")).isFalse();
  }
}
