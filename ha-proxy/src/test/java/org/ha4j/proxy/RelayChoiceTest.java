package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.Test;

/**
 * Which relay and transport the proxy runs, for every platform, decided from reasons (no platform
 * needed).
 */
class RelayChoiceTest {

  private static final Optional<String> NONE = Optional.empty();

  @Test
  void onLinuxWithAKnownArchitectureTheRelayAskedForRuns() {
    for (String arch : new String[] {"amd64", "aarch64"}) {
      Optional<String> splice = spliceMissing(arch);
      assertThat(RelayChoice.of(RelayKind.SPLICE, false, NONE, splice, NONE))
          .isEqualTo(new RelayChoice(RelayKind.SPLICE, true, NONE));
      assertThat(RelayChoice.of(RelayKind.AUTO, true, NONE, splice, NONE))
          .isEqualTo(new RelayChoice(RelayKind.AUTO, true, NONE));
      assertThat(RelayChoice.of(RelayKind.COPY, true, NONE, splice, NONE))
          .isEqualTo(new RelayChoice(RelayKind.COPY, true, NONE));
    }
  }

  @Test
  void anUnknownArchitectureFallsBackToCopyAndSaysWhy() {
    Optional<String> splice = spliceMissing("riscv64");
    assertThat(splice)
        .hasValueSatisfying(why -> assertThat(why).contains("riscv64", "x86-64, aarch64"));
    // the default relay, not chosen explicitly: still a warning, since on Linux with epoll it is a
    // surprise
    RelayChoice choice = RelayChoice.of(RelayKind.SPLICE, false, NONE, splice, NONE);
    assertThat(choice.relay()).isEqualTo(RelayKind.COPY);
    assertThat(choice.epoll()).as("copy keeps epoll: the half-close guard is there").isTrue();
    assertThat(choice.warning())
        .hasValue("splice relay unavailable (" + splice.get() + "); using the copy relay on epoll");
    assertThat(RelayChoice.of(RelayKind.AUTO, true, NONE, splice, NONE).relay())
        .isEqualTo(RelayKind.COPY);
  }

  @Test
  void withoutEpollTheDefaultFallsBackQuietlyAndAnExplicitChoiceWarns() {
    Optional<String> noEpoll = Optional.of("Netty's epoll transport is unavailable: macOS");
    Optional<String> splice = SpliceEngine.unavailableReason("Mac OS X", "aarch64");
    assertThat(RelayChoice.of(RelayKind.SPLICE, false, noEpoll, splice, NONE))
        .isEqualTo(new RelayChoice(RelayKind.COPY, false, NONE));
    assertThat(RelayChoice.of(RelayKind.SPLICE, true, noEpoll, splice, NONE).warning())
        .hasValue("splice relay unavailable (" + noEpoll.get() + "); using the copy relay on NIO");
  }

  @Test
  void withoutTheHalfCloseGuardCopyAndAutoRunOnNioAndSpliceStaysOnEpoll() {
    Optional<String> noGuard = Optional.of("setFlag is gone");
    assertThat(RelayChoice.of(RelayKind.COPY, true, NONE, NONE, noGuard))
        .isEqualTo(new RelayChoice(RelayKind.COPY, false, NONE));
    assertThat(RelayChoice.of(RelayKind.AUTO, true, NONE, NONE, noGuard))
        .isEqualTo(
            new RelayChoice(
                RelayKind.COPY,
                false,
                Optional.of(
                    "auto relay unavailable (setFlag is gone); using the copy relay on NIO")));
    assertThat(RelayChoice.of(RelayKind.SPLICE, false, NONE, NONE, noGuard))
        .isEqualTo(new RelayChoice(RelayKind.SPLICE, true, NONE));
  }

  @Test
  void theSpliceEngineNamesWhatIsMissing() {
    assertThat(SpliceEngine.unavailableReason("Windows 11", "amd64"))
        .hasValueSatisfying(why -> assertThat(why).contains("needs Linux", "Windows 11"));
    assertThat(SpliceEngine.unavailableReason("Linux", "ppc64le"))
        .hasValueSatisfying(why -> assertThat(why).contains("struct epoll_event", "'ppc64le'"));
  }

  private static Optional<String> spliceMissing(String arch) {
    return SpliceEngine.unavailableReason("Linux", arch);
  }
}
