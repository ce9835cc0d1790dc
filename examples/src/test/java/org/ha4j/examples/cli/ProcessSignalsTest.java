package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The policy itself; real signals to real processes are in {@code faults.signals}. */
class ProcessSignalsTest {

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ProcessSignals signals = ProcessSignals.manual(log::add);

  @Test
  void hupUsr1AndUsr2AreLoggedAndNeverStopTheCommand() throws Exception {
    CompletableFuture<String> stopped =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return signals.awaitStop();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    signals.received("HUP");
    signals.received("USR1");
    signals.received("USR2");
    assertThat(log)
        .containsExactly(
            "received SIGHUP: reload is not implemented yet; ignoring",
            "received SIGUSR1: reopening logs and dumping state are not implemented yet; ignoring",
            "received SIGUSR2: dumping statistics is not implemented yet; ignoring");
    assertThat(stopped).isNotDone();
    signals.received("TERM");
    assertThat(stopped.get(10, TimeUnit.SECONDS)).isEqualTo("SIGTERM");
  }

  @Test
  void theFirstStopWinsAndALaterOneIsOnlyLogged() throws Exception {
    signals.received("INT");
    signals.received("TERM");
    signals.requestStop("console stop");
    assertThat(signals.awaitStop()).isEqualTo("SIGINT");
    assertThat(log)
        .containsExactly(
            "received SIGINT: stopping gracefully",
            "received SIGTERM: already stopping (SIGINT)",
            "received console stop: already stopping (SIGINT)");
  }
}
