package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The process calls against the real kernel, on this JVM itself and on pids that cannot exist. */
class LinuxProcessesTest {

  /** Above the largest pid_max Linux allows (2^22): never a process. */
  private static final long NO_SUCH_PID = 5_000_000;

  @Test
  void signalZeroProbesAProcess() throws Exception {
    assertThat(LinuxProcesses.signal(ProcessHandle.current().pid(), 0)).isTrue();
    assertThat(LinuxProcesses.signal(NO_SUCH_PID, 0)).isFalse();
    assertThat(LinuxProcesses.signalGroup(NO_SUCH_PID, 0)).isFalse();
  }

  @Test
  void reapingWhatIsNotAChildIsFalse() throws Exception {
    assertThat(LinuxProcesses.reap(NO_SUCH_PID)).isFalse();
  }

  @Test
  void initsGroupAndNonPidsAreRefused() {
    assertThatThrownBy(() -> LinuxProcesses.signalGroup(1, 15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 2");
    assertThatThrownBy(() -> LinuxProcesses.signal(0, 15))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinuxProcesses.reap(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInvalidSignalIsANamedFailure() {
    assertThatThrownBy(() -> LinuxProcesses.signal(ProcessHandle.current().pid(), 999))
        .isInstanceOf(NativeCallException.class)
        .hasMessageContaining("kill(")
        .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(Errno.EINVAL));
  }
}
