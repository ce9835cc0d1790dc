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
}
