package org.ha4j.health;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The probe SPI for a check that completes on its own: start it, and complete the returned stage
 * with the result. Every built-in probe is one of these; a {@link Probe} becomes one through {@link
 * #blocking}.
 *
 * <p>Contract: {@code start} returns quickly (it runs on the scheduler thread). The stage completes
 * when the check has really finished, including any clean-up (a killed script's whole process tree
 * reaped). When the scheduler gives up on the check it calls {@link ProbeContext#cancel()}; the
 * probe then stops as soon as it can (close the socket, kill the process) and completes the stage,
 * with any result. A stage that completes exceptionally is a failure naming the exception.
 */
@FunctionalInterface
public interface AsyncProbe {

  CompletionStage<ProbeResult> start(ProbeContext context);

  /**
   * Runs a blocking probe on the context's {@linkplain ProbeContext#blockingExecutor() blocking
   * executor}; cancelling the context interrupts it. The stage completes only when the probe's
   * thread returns, so a probe that ignores interrupts is seen as still running.
   */
  static AsyncProbe blocking(Probe probe) {
    return new BlockingProbe(Objects.requireNonNull(probe, "probe"));
  }
}
