package org.ha4j.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs its children at once, each with the same time budget, and is healthy when at least {@code
 * needed} of them are. Cancelling it cancels them all; it completes when every child has.
 */
final class CompositeProbe implements AsyncProbe {

  private final String kind;
  private final int needed;
  private final List<AsyncProbe> children;

  CompositeProbe(String kind, int needed, List<AsyncProbe> children) {
    this.kind = kind;
    this.needed = needed;
    this.children = children;
  }

  @Override
  public CompletionStage<ProbeResult> start(ProbeContext context) {
    List<CompletableFuture<ProbeResult>> running = new ArrayList<>();
    for (AsyncProbe child : children) {
      ProbeContext childContext =
          ProbeContext.of(context.timeout(), context.scheduler(), context.blockingExecutor());
      context.onCancel(childContext::cancel);
      CompletableFuture<ProbeResult> result;
      try {
        result = child.start(childContext).toCompletableFuture().exceptionally(ProbeResult::failed);
      } catch (RuntimeException e) {
        result = CompletableFuture.completedFuture(ProbeResult.failed(e));
      }
      running.add(result);
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              int healthy = 0;
              StringBuilder details = new StringBuilder();
              for (int i = 0; i < children.size(); i++) {
                ProbeResult result = running.get(i).join();
                healthy += result.healthy() ? 1 : 0;
                details
                    .append(i == 0 ? "" : "; ")
                    .append(children.get(i))
                    .append(": ")
                    .append(result);
              }
              String summary =
                  healthy
                      + " of "
                      + children.size()
                      + " healthy, need "
                      + needed
                      + " ["
                      + details
                      + "]";
              return healthy >= needed ? ProbeResult.ok(summary) : ProbeResult.failed(summary);
            });
  }

  @Override
  public String toString() {
    return kind + children;
  }
}
