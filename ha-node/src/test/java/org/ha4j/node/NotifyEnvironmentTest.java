package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What systemd's environment variables mean to ha4j, as sd_notify(3) and sd_watchdog_enabled(3).
 */
class NotifyEnvironmentTest {

  private static final long PID = 4242;

  @Test
  void withoutNotifySocketNothingIsSentAndNothingIsWrong() {
    NotifyEnvironment env = NotifyEnvironment.of(Map.of("WATCHDOG_USEC", "30000000"), PID);
    assertThat(env.socket()).isEmpty();
    assertThat(env.watchdogTimeout()).isEmpty();
    assertThat(env.problems()).isEmpty();
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", ""), PID).problems()).isEmpty();
  }

  @Test
  void aPathAndAnAbstractNameAreBothAfUnixSockets() {
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"), PID).socket())
        .contains("/run/systemd/notify");
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "@/org/freedesktop/x"), PID).socket())
        .contains("@/org/freedesktop/x");
  }

  @Test
  void aVsockOrRelativeOrOverlongNameIsIgnoredWithANamedProblem() {
    NotifyEnvironment vsock = NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "vsock:2:1234"), PID);
    assertThat(vsock.socket()).isEmpty();
    assertThat(vsock.problems())
        .singleElement()
        .asString()
        .contains("NOTIFY_SOCKET=vsock:2:1234 is neither an absolute path nor an @abstract name");
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "run/notify"), PID).problems())
        .hasSize(1);
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "@"), PID).problems()).hasSize(1);
    NotifyEnvironment tooLong =
        NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "/" + "p".repeat(107)), PID);
    assertThat(tooLong.socket()).isEmpty();
    assertThat(tooLong.problems()).singleElement().asString().contains("more than 107 bytes");
    assertThat(NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "/" + "p".repeat(106)), PID).socket())
        .isPresent();
  }

  @Test
  void theWatchdogIsServedWhenItsPidIsOursOrUnset() {
    Map<String, String> unset = Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "30000000");
    assertThat(NotifyEnvironment.of(unset, PID).watchdogTimeout()).contains(Duration.ofSeconds(30));
    Map<String, String> ours =
        Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "1500", "WATCHDOG_PID", "4242");
    assertThat(NotifyEnvironment.of(ours, PID).watchdogTimeout())
        .contains(Duration.ofMillis(1).plusNanos(500_000));
  }

  @Test
  void anotherProcesssWatchdogIsNotOursToServeAndNoProblem() {
    Map<String, String> theirs =
        Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1");
    NotifyEnvironment env = NotifyEnvironment.of(theirs, PID);
    assertThat(env.watchdogTimeout()).isEmpty();
    assertThat(env.problems()).isEmpty();
    assertThat(env.socket()).contains("/n");
  }

  @Test
  void anUnreadableWatchdogIsIgnoredWithANamedProblem() {
    for (String usec : new String[] {"0", "-5", "30s", " 30", "99999999999999999999"}) {
      NotifyEnvironment env =
          NotifyEnvironment.of(Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", usec), PID);
      assertThat(env.watchdogTimeout()).as(usec).isEmpty();
      assertThat(env.problems())
          .as(usec)
          .singleElement()
          .asString()
          .contains("WATCHDOG_USEC=" + usec + " is not a positive number of microseconds");
    }
    NotifyEnvironment badPid =
        NotifyEnvironment.of(
            Map.of("NOTIFY_SOCKET", "/n", "WATCHDOG_USEC", "1000", "WATCHDOG_PID", "x"), PID);
    assertThat(badPid.watchdogTimeout()).isEmpty();
    assertThat(badPid.problems())
        .singleElement()
        .asString()
        .contains("WATCHDOG_PID=x is not a PID");
  }

  @Test
  void aWatchdogWithNoSocketToTellIsNotServed() {
    assertThat(NotifyEnvironment.of(Map.of("WATCHDOG_USEC", "1000"), PID).watchdogTimeout())
        .isEmpty();
  }
}
