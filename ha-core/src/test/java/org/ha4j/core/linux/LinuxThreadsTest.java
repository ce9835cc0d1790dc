package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.Test;

/** SCHED_RR for one thread: granted as root, a named missing privilege otherwise. */
class LinuxThreadsTest {

  @Test
  void roundRobinAppliesToTheCallingThreadOnly() throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                LinuxThreads.roundRobin(1);
                outcome.complete(
                    LinuxThreads.policy() + " " + procPolicy(Path.of("/proc/thread-self/stat")));
              } catch (NativeCallException e) {
                outcome.complete(e.getClass().getSimpleName() + ": " + e.getMessage());
              } catch (Exception e) {
                outcome.completeExceptionally(e);
              }
            },
            "rr-test");
    thread.start();
    String result = outcome.get(10, TimeUnit.SECONDS);
    thread.join(10_000);

    if (Privileges.isRoot()) {
      assertThat(result).isEqualTo(LinuxThreads.SCHED_RR + " " + LinuxThreads.SCHED_RR);
    } else {
      assertThat(result).startsWith("MissingPrivilegeException").contains("CAP_SYS_NICE");
    }
    assertThat(LinuxThreads.policy()).isEqualTo(LinuxThreads.SCHED_OTHER); // this thread untouched
  }

  @Test
  void aPriorityOutsideTheRangeIsRefusedWithTheRange() {
    assertThatThrownBy(() -> LinuxThreads.roundRobin(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a SCHED_RR priority is 1-99, got 0");
    assertThatThrownBy(() -> LinuxThreads.roundRobin(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a SCHED_RR priority is 1-99, got 100");
  }

  /** Field 41 of proc(5)'s stat, "policy"; the command name (field 2) may contain spaces. */
  private static int procPolicy(Path stat) throws Exception {
    String text = Files.readString(stat);
    String[] after = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(after[41 - 3]);
  }
}
