package org.ha4j.proxy;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import java.util.Optional;

/**
 * Which relay and transport a proxy runs, from the relay asked for and what this platform lacks.
 * Pure: the platform comes in as reasons, so every fallback is testable on any machine.
 *
 * @param relay the relay to run
 * @param epoll whether to run on Netty's epoll transport (otherwise NIO)
 * @param warning what to log when the relay asked for is not the one run, naming why; empty when
 *     the fallback is the expected one (no relay chosen explicitly, on a platform without epoll)
 */
record RelayChoice(RelayKind relay, boolean epoll, Optional<String> warning) {

  /**
   * @param requested the relay asked for (or the default)
   * @param requestedExplicitly whether the configuration named it
   * @param epollMissing why Netty's epoll transport cannot run, or empty
   * @param spliceMissing why the splice engine cannot run ({@code SpliceEngine.unavailableReason}),
   *     or empty
   * @param guardMissing why {@link EpollHalfCloseGuard} cannot run, or empty; without it the copy
   *     relay runs on NIO, since on epoll it would lose writes after a half-close
   */
  static RelayChoice of(
      RelayKind requested,
      boolean requestedExplicitly,
      Optional<String> epollMissing,
      Optional<String> spliceMissing,
      Optional<String> guardMissing) {
    Optional<String> spliceProblem = epollMissing.or(() -> spliceMissing);
    Optional<String> problem =
        switch (requested) {
          case SPLICE -> spliceProblem;
          case AUTO -> spliceProblem.or(() -> guardMissing);
          case COPY -> Optional.empty();
        };
    RelayKind relay = problem.isPresent() ? RelayKind.COPY : requested;
    boolean epoll = epollMissing.isEmpty() && (relay == RelayKind.SPLICE || guardMissing.isEmpty());
    Optional<String> warning =
        problem
            .filter(why -> requestedExplicitly || epollMissing.isEmpty())
            .map(
                why ->
                    requested.name().toLowerCase(Locale.ROOT)
                        + " relay unavailable ("
                        + why
                        + "); using the copy relay on "
                        + (epoll ? "epoll" : "NIO"));
    return new RelayChoice(relay, epoll, warning);
  }

  /** Why this proxy cannot use Netty's epoll transport, or empty. */
  static Optional<String> epollMissing(boolean forceNio) {
    if (forceNio) {
      return Optional.of("NIO was forced");
    }
    return Epoll.isAvailable()
        ? Optional.empty()
        : Optional.of("Netty's epoll transport is unavailable: " + Epoll.unavailabilityCause());
  }
}
