package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signal handlers must leave the JVM's thread sampling alone: a JFR recording of a running
 * command gets execution samples, with and without the launcher's suspend-signal setting.
 */
class ProcessSignalsProfilerTest {

  private static final long BUSY_MILLIS = 3_000;

  /**
   * JFR's "profile" settings sample a thread in Java code every 10 ms, up to 300 in the busy time;
   * a loaded machine gets fewer. With USR2 taken from the JVM a recording gets about one sample a
   * second, from the moments the sampler's signal was not needed.
   */
  private static final int MINIMUM_SAMPLES = 12;

  @TempDir Path dir;

  @Test
  void usr2StaysTheJvmsUnlessItsSuspendSignalWasMoved() {
    assertThat(ProcessSignals.caughtSignals(Map.of()))
        .containsExactly("TERM", "INT", "HUP", "USR1");
    assertThat(ProcessSignals.caughtSignals(Map.of("_JAVA_SR_SIGNUM", "40")))
        .containsExactly("TERM", "INT", "HUP", "USR1", "USR2");
    for (String ignoredByHotSpot : List.of("12", "11", "65", "x", "", "040000")) {
      assertThat(ProcessSignals.caughtSignals(Map.of("_JAVA_SR_SIGNUM", ignoredByHotSpot)))
          .as("_JAVA_SR_SIGNUM=%s", ignoredByHotSpot)
          .doesNotContain("USR2");
    }
  }

  @Test
  void aRecordingOfACommandWithDefaultSignalsGetsExecutionSamples() throws Exception {
    assertThat(executionSamples(Map.of())).isGreaterThanOrEqualTo(MINIMUM_SAMPLES);
  }

  @Test
  void aRecordingOfACommandStartedLikeTheLauncherGetsExecutionSamples() throws Exception {
    assertThat(executionSamples(Map.of("_JAVA_SR_SIGNUM", "40")))
        .isGreaterThanOrEqualTo(MINIMUM_SAMPLES);
  }

  private long executionSamples(Map<String, String> environment) throws Exception {
    Path recording = dir.resolve("samples.jfr");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SignalsUnderProfiler.class.getName());
    command.add(Long.toString(BUSY_MILLIS));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the busy process ended").isTrue();
      assertThat(process.exitValue()).as(output()).isZero();
    } finally {
      process.destroyForcibly();
    }
    return count(recording, "jdk.ExecutionSample");
  }

  private String output() {
    try {
      return Files.readString(dir.resolve("out.txt"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static long count(Path recording, String eventType) throws IOException {
    long n = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getEventType().getName().equals(eventType)) {
        n++;
      }
    }
    return n;
  }
}
