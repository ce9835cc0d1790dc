package org.ha4j.vrrp;

import java.io.File;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs notify scripts one at a time, in submission order, on a thread of its own, so a slow script
 * never delays the protocol and two transitions' scripts never overlap. A script that runs longer
 * than the timeout is killed.
 */
final class NotifyRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifyRunner.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final ExecutorService executor;

  NotifyRunner(String instanceName) {
    this.executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "ha4j-notify-" + instanceName);
              thread.setDaemon(true);
              return thread;
            });
  }

  void submit(List<List<String>> commands) {
    if (commands.isEmpty()) {
      return;
    }
    executor.execute(
        () -> {
          for (List<String> command : commands) {
            run(command);
          }
        });
  }

  private static void run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("notify script {} still running after {} s; killed", command, TIMEOUT_SECONDS);
      } else if (process.exitValue() != 0) {
        log.warn("notify script {} exited {}", command, process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("notify script {} could not run: {}", command, e.getMessage());
    }
  }

  /** Lets queued scripts finish (bounded), so a STOP notification runs before the JVM exits. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
