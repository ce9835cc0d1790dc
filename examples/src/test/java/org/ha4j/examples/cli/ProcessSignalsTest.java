package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The policy itself; real signals to real processes are in {@code faults.signals}. */
class ProcessSignalsTest {

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ProcessSignals signals = ProcessSignals.manual(log::add);

  @Test
  void aSignalIgnoredAtStartIsNamedFromTheSigIgnMask() {
    String status = "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000004001\n";
    // HUP (bit 0) and TERM (bit 14) ignored, as under nohup with TERM ignored too
    assertThat(ProcessSignals.ignoredAtStart(status, List.of("TERM", "INT", "HUP", "USR1", "USR2")))
        .containsExactly("TERM", "HUP");
    assertThat(
            ProcessSignals.ignoredAtStart(
                "SigIgn:\t0000000000000004\n", List.of("TERM", "INT", "HUP", "USR1")))
        .as("only QUIT ignored")
        .isEmpty();
    assertThat(ProcessSignals.ignoredAtStart("", List.of("HUP"))).isEmpty();
  }

  @Test
  void usr1Usr2AndHupRunTheirActionsOnceSetAndNoneStopsTheCommand() throws Exception {
    CompletableFuture<String> stopped =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return signals.awaitStop();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    signals.received("USR1");
    signals.received("HUP");
    AtomicInteger dumps = new AtomicInteger();
    signals.operatorActions(
        () -> "state written to /tmp/x (" + dumps.incrementAndGet() + ")",
        () -> {
          throw new IllegalStateException("disk on fire");
        });
    signals.reloadAction(() -> "done");
    signals.received("HUP");
    signals.received("USR1");
    signals.received("USR2");
    signals.received("USR1");
    assertThat(log)
        .containsExactly(
            "received SIGUSR1: still starting, nothing to dump; ignoring",
            "received SIGHUP: still starting, nothing to reload; ignoring",
            "received SIGHUP: reloading: done",
            "received SIGUSR1: reopening logs, dumping state: state written to /tmp/x (1)",
            "received SIGUSR2: dumping stats: failed: IllegalStateException: disk on fire",
            "received SIGUSR1: reopening logs, dumping state: state written to /tmp/x (2)");
    assertThat(stopped).isNotDone();
    signals.received("TERM");
    assertThat(stopped.get(10, TimeUnit.SECONDS)).isEqualTo("SIGTERM");
  }

  @Test
  void aCommandWithoutFilesSaysThereIsNothingToReloadAndRunsOn() throws Exception {
    signals.nothingToReload("node takes its configuration from flags");
    signals.received("HUP");
    signals.received("HUP");
    assertThat(log)
        .containsExactly(
            "received SIGHUP: nothing to reload: node takes its configuration from flags",
            "received SIGHUP: nothing to reload: node takes its configuration from flags");
    signals.received("TERM");
    assertThat(signals.awaitStop()).isEqualTo("SIGTERM");
  }

  @Test
  void aReloadThatThrowsIsLoggedAsFailedAndTheCommandRunsOn() {
    signals.reloadAction(
        () -> {
          throw new IllegalStateException("no disk");
        });
    signals.received("HUP");
    assertThat(log)
        .containsExactly("received SIGHUP: reloading: failed: IllegalStateException: no disk");
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
