package org.ha4j.health.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thresholds against a fake /proc in virtual time, then a smoke test against the real one. */
class SystemProbesTest {

  @TempDir Path root;
  private ProcFs fake;
  private VirtualScheduler clock;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("sys/block/vda"));
    Files.createDirectories(root.resolve("sys/block/loop0"));
    fake = new ProcFs(root);
    clock = new VirtualScheduler();
  }

  private void write(String file, String text) throws IOException {
    Files.writeString(root.resolve("proc").resolve(file), text);
  }

  private CompletableFuture<ProbeResult> start(AsyncProbe probe) {
    return probe
        .start(ProbeContext.of(Duration.ofSeconds(1), clock, Runnable::run))
        .toCompletableFuture();
  }

  @Test
  void loadAverageAgainstItsThreshold() throws IOException {
    write("loadavg", "6.67 3.18 1.27 8/168 10242\n");
    assertThat(start(SystemProbes.loadAverage(1, 4.0, fake)).join())
        .isEqualTo(ProbeResult.failed("load average 1 min 6.67 > 4.00"));
    assertThat(start(SystemProbes.loadAverage(15, 4.0, fake)).join())
        .isEqualTo(ProbeResult.ok("load average 15 min 1.27 <= 4.00"));
  }

  @Test
  void memoryAvailableInBytesOrPercent() throws IOException {
    write(
        "meminfo",
        "MemTotal:        4194304 kB\nMemFree:          100000 kB\nMemAvailable:     524288 kB\n");
    assertThat(
            start(AsyncProbe.blocking(new ResourceProbes.MemoryProbe(256L << 20, -1, fake))).join())
        .isEqualTo(ProbeResult.ok("memory available 512 MiB of 4096 MiB, need 256 MiB"));
    assertThat(start(AsyncProbe.blocking(new ResourceProbes.MemoryProbe(-1, 20, fake))).join())
        .isEqualTo(ProbeResult.failed("memory available 512 MiB of 4096 MiB, below 20.00 %"));
  }

  @Test
  void cpuBusyIsMeasuredOverAWindowThenSinceTheLastCheck() throws IOException {
    AsyncProbe probe = SystemProbes.cpuBusy(50, fake);
    write("stat", "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 1 1 1\n");
    CompletableFuture<ProbeResult> first = start(probe);
    assertThat(first).isNotDone();
    write("stat", "cpu  130 0 130 830 10 0 0 0 0 0\n"); // +60 busy of +100: 60 %
    clock.advanceBy(Duration.ofMillis(SystemProbes.FIRST_WINDOW_MILLIS));
    assertThat(first.join())
        .isEqualTo(ProbeResult.failed("CPU busy 60.00 % over 250 ms > 50.00 %"));

    clock.advanceBy(Duration.ofMillis(750));
    write("stat", "cpu  140 0 140 900 0 0 0 0 0 0\n"); // +20 busy of +80 total: 25 %
    assertThat(start(probe).join().detail()).startsWith("CPU busy 25.00 % over 750 ms <= 50.00 %");
  }

  @Test
  void diskBusyIsIoTicksOverElapsedTimeForTheBusiestWholeDisk() throws IOException {
    String line =
        "   7       0 loop0 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0\n"
            + " 254       0 vda 4398 1 314 1663 1043 1 4 2434 0 %d 4103 0 0 0 0 0 0\n";
    write("diskstats", String.format(line, 0, 1000));
    AsyncProbe probe = SystemProbes.diskBusy(null, 50, fake);
    CompletableFuture<ProbeResult> first = start(probe);
    write("diskstats", String.format(line, 250, 1200)); // vda: 200 ms busy in 250 ms; loop0 ignored
    clock.advanceBy(Duration.ofMillis(250));
    assertThat(first.join())
        .isEqualTo(ProbeResult.failed("disk vda busy 80.00 % over 250 ms > 50.00 %"));

    assertThat(start(SystemProbes.diskBusy("sdz", 50, fake)).isDone()).isFalse();
    clock.advanceBy(Duration.ofMillis(250));
  }

  @Test
  void anUnknownDiskIsAFailedCheck() throws IOException {
    write("diskstats", " 254       0 vda 1 1 1 1 1 1 1 1 0 100 1 0 0 0 0 0 0\n");
    CompletableFuture<ProbeResult> result = start(SystemProbes.diskBusy("sdz", 50, fake));
    clock.advanceBy(Duration.ofMillis(250));
    assertThat(result.join()).isEqualTo(ProbeResult.failed("no device sdz in /proc/diskstats"));
  }

  @Test
  void thresholdsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> SystemProbes.cpuBusy(101))
        .hasMessage("maxPercent must be 0-100, got 101.0");
    assertThatThrownBy(() -> SystemProbes.loadAverage(2, 1))
        .hasMessage("load average minutes must be 1, 5 or 15, got 2");
    assertThatThrownBy(() -> SystemProbes.memoryAvailable(-1))
        .hasMessage("minBytes must be >= 0, got -1");
    assertThatThrownBy(() -> SystemProbes.diskBusy("/dev/sda", 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyProbeReadsTheRealProc() {
    try (SystemScheduler real = new SystemScheduler("proc-test")) {
      ProbeContext context = ProbeContext.of(Duration.ofSeconds(5), real, Runnable::run);
      for (AsyncProbe probe :
          new AsyncProbe[] {
            SystemProbes.loadAverage(1, 100_000),
            SystemProbes.cpuBusy(100),
            SystemProbes.memoryAvailable(1),
            SystemProbes.memoryAvailablePercent(0),
            SystemProbes.diskBusy(null, 100)
          }) {
        ProbeResult result =
            probe.start(context).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(result.healthy()).as(probe + ": " + result).isTrue();
      }
    }
  }
}
