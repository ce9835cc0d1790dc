package org.ha4j.health.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.health.HealthChecks;
import org.junit.jupiter.api.Test;

class TrackScriptTest {

  @Test
  void defaultsAreKeepalivedsVrrpScriptDefaults() {
    VrrpScript script = VrrpScript.builder("check_nginx", "/etc/nginx/check_nginx.sh").build();
    assertThat(script)
        .isEqualTo(
            new VrrpScript(
                "check_nginx",
                "/etc/nginx/check_nginx.sh",
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                0,
                1,
                1,
                false,
                false));
    assertThat(VrrpScript.builder("s", "true").interval(Duration.ofSeconds(3)).build().timeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(VrrpScript.builder("s", "true").initFail(true).build().schedule().initiallyDown())
        .isTrue();
  }

  @Test
  void badFieldsAreRejectedNamingTheRange() {
    assertThatThrownBy(() -> VrrpScript.builder("s", "true").weight(254).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight must be -253 to 253, got 254");
    assertThatThrownBy(() -> VrrpScript.builder("s", "true").rise(0).build())
        .hasMessage("rise must be 1-1000000, got 0");
    assertThatThrownBy(
            () -> VrrpScript.builder("s", "true").interval(Duration.ofSeconds(-2)).build())
        .hasMessage("interval must be at least 1 ms, got PT-2S");
    assertThatThrownBy(() -> VrrpScript.builder("s", "sh -c 'x").build())
        .hasMessageContaining("unterminated '");
  }

  @Test
  void flagsMakeOneScriptPerTrackScriptAndLeaveTheRest() {
    TrackScript.Flags flags =
        TrackScript.parseFlags(
            List.of(
                "--vip",
                "10.200.0.100",
                "--track-script",
                "/etc/nginx/check_nginx.sh",
                "--track-weight",
                "-20",
                "--track-interval=2",
                "--track-timeout",
                "0.5",
                "--track-rise",
                "2",
                "--track-fall",
                "3",
                "--priority",
                "100",
                "--track-script",
                "sh -c 'pidof nginx'",
                "--track-script",
                "/usr/lib/check_nginx.py"));
    assertThat(flags.remaining()).containsExactly("--vip", "10.200.0.100", "--priority", "100");
    assertThat(flags.scripts())
        .containsExactly(
            new VrrpScript(
                "check_nginx",
                "/etc/nginx/check_nginx.sh",
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                -20,
                2,
                3,
                false,
                false),
            new VrrpScript(
                "sh",
                "sh -c 'pidof nginx'",
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                0,
                1,
                1,
                false,
                false),
            new VrrpScript(
                "check_nginx#2",
                "/usr/lib/check_nginx.py",
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                0,
                1,
                1,
                false,
                false));
  }

  @Test
  void flagsStopAtDoubleDash() {
    TrackScript.Flags flags =
        TrackScript.parseFlags(List.of("--track-script", "true", "--", "--track-weight", "5"));
    assertThat(flags.scripts()).hasSize(1);
    assertThat(flags.remaining()).containsExactly("--", "--track-weight", "5");
  }

  @Test
  void badFlagsAreClearErrors() {
    assertThatThrownBy(() -> TrackScript.parseFlags(List.of("--track-weight", "5")))
        .hasMessage("--track-weight must follow a --track-script");
    assertThatThrownBy(
            () ->
                TrackScript.parseFlags(List.of("--track-script", "true", "--track-weight", "300")))
        .hasMessage("--track-weight must be -253 to 253, got '300'");
    assertThatThrownBy(
            () -> TrackScript.parseFlags(List.of("--track-script", "true", "--track-rise", "0")))
        .hasMessage("--track-rise must be 1 to 1000000, got '0'");
    assertThatThrownBy(
            () ->
                TrackScript.parseFlags(List.of("--track-script", "true", "--track-interval", "-1")))
        .hasMessage("--track-interval must be seconds greater than 0 such as 1 or 0.5, got '-1'");
    assertThatThrownBy(
            () -> TrackScript.parseFlags(List.of("--track-script", "true", "--track-timeout", "0")))
        .hasMessage("--track-timeout must be at least 0.001 seconds, got '0'");
    assertThatThrownBy(() -> TrackScript.parseFlags(List.of("--track-script")))
        .hasMessage("--track-script needs a value");
    assertThatThrownBy(
            () ->
                TrackScript.parseFlags(
                    List.of("--track-script", "true", "--track-fall", "2", "--track-fall", "3")))
        .hasMessage("--track-fall given twice for --track-script true");
    // other --track-* flags, typos included, are left to the command's own parser, which rejects
    // unknowns
    assertThat(
            TrackScript.parseFlags(List.of("--track-file", "/run/x", "--track-scritp", "true"))
                .remaining())
        .containsExactly("--track-file", "/run/x", "--track-scritp", "true");
  }

  @Test
  void aStartedScriptIsAHealthSourceWithItsWeight() {
    try (HealthChecks checks = HealthChecks.create()) {
      VrrpScript failing =
          TrackScript.parseFlags(
                  List.of(
                      "--track-script",
                      "sh -c 'exit 1'",
                      "--track-weight",
                      "-20",
                      "--track-interval",
                      "0.2"))
              .scripts()
              .get(0);
      TrackedSource tracked = TrackScript.start(failing, checks);
      assertThat(tracked.weight()).isEqualTo(-20);
      assertThat(tracked.source().name()).isEqualTo("sh");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> tracked.source().current().status() == HealthStatus.DOWN);
      assertThat(tracked.source().current().cause()).isEqualTo("exit status 1");
    }
  }

  @Test
  void reverseFlipsTheSourceAndListenersHearTheFlippedTransition() {
    org.ha4j.core.health.HealthSignal signal = org.ha4j.core.health.HealthSignal.up("nginx");
    TrackedSource reversed = new TrackedSource(signal, 10).reversed();
    assertThat(reversed.weight()).isEqualTo(10);
    assertThat(reversed.source().current().status()).isEqualTo(HealthStatus.DOWN);
    java.util.List<HealthStatus> heard = new java.util.ArrayList<>();
    reversed
        .source()
        .subscribe(
            (source, before, now) -> {
              assertThat(source).isSameAs(reversed.source());
              heard.add(now.status());
            });
    signal.down("stopped");
    assertThat(heard).containsExactly(HealthStatus.UP);
    assertThat(reversed.source().current().cause()).isEqualTo("reversed: DOWN (stopped)");
    assertThat(reversed.reversed().source()).isSameAs(signal);
  }
}
