package org.ha4j.health;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link Probe} run on the blocking executor; see {@link AsyncProbe#blocking(Probe)}. */
final class BlockingProbe implements AsyncProbe {

  private final Probe probe;

  BlockingProbe(Probe probe) {
    this.probe = probe;
  }

  @Override
  public CompletionStage<ProbeResult> start(ProbeContext context) {
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    AtomicBoolean started = new AtomicBoolean();
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              started.set(true);
              try {
                result.complete(
                    Objects.requireNonNull(probe.check(context), "probe returned null"));
              } catch (
                  Throwable t) { // a probe's failure of any kind is a DOWN result, not our crash
                result.completeExceptionally(t);
              }
            },
            null) {
          @Override
          protected void done() {
            // Cancelled before it started: it will never run, so nothing else completes the result.
            // Cancelled while running: the body itself completes the result when its thread
            // returns.
            if (isCancelled() && !started.get()) {
              result.complete(ProbeResult.failed("cancelled before it ran"));
            }
          }
        };
    context.onCancel(() -> task.cancel(true));
    try {
      context.blockingExecutor().execute(task);
    } catch (RejectedExecutionException e) {
      result.complete(ProbeResult.failed("no thread to run the probe: " + e.getMessage()));
    }
    return result;
  }

  @Override
  public String toString() {
    return probe.toString();
  }
}
