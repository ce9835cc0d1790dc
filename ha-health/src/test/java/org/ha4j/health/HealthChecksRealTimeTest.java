package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.health.os.ExecProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared scheduler on real threads, with real probes. */
class HealthChecksRealTimeTest {

  private final HealthChecks checks = HealthChecks.builder().blockingThreads(4).build();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    checks.close();
  }

  @Test
  void aHungBlockingProbeDoesNotStallATcpProbeOnTheSameScheduler() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CheckSchedule fast =
          CheckSchedule.builder()
              .interval(Duration.ofMillis(100))
              .timeout(Duration.ofMillis(50))
              .build();
      ScheduledProbe hung =
          checks.scheduleBlocking(
              "hung",
              context -> {
                while (release.getCount() > 0) { // deliberately deaf to interrupts
                  LockSupport.parkNanos(10_000_000);
                }
                return ProbeResult.ok();
              },
              fast);
      List<Health> hungTransitions = new CopyOnWriteArrayList<>();
      hung.subscribe((source, before, now) -> hungTransitions.add(now));
      ScheduledProbe tcp =
          checks.schedule("tcp", Probes.tcp("127.0.0.1", server.getLocalPort()), fast);
      List<Health> tcpReadings = new CopyOnWriteArrayList<>();
      tcp.subscribe((source, before, now) -> tcpReadings.add(now));

      await().atMost(Duration.ofSeconds(5)).until(() -> !hungTransitions.isEmpty());
      assertThat(hungTransitions.get(0).cause()).isEqualTo("timed out after 50 ms");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> hung.current().cause().startsWith("previous run still running"));
      assertThat(tcp.current().status()).isEqualTo(HealthStatus.UP);
      assertThat(tcp.lastResult()).hasValueSatisfying(r -> assertThat(r.healthy()).isTrue());
      assertThat(tcpReadings).isEmpty();
    }
  }

  @Test
  void aScheduledScriptThatHangsGoesDownAndLeavesNothingBehind(@TempDir Path dir)
      throws IOException {
    Path pids = dir.resolve("pids");
    String script = "echo $$ > " + pids + "; sleep 300 & echo $! >> " + pids + "; sleep 301";
    ScheduledProbe probe =
        checks.schedule(
            "check_script",
            ExecProbe.builder(List.of("sh", "-c", script))
                .killGrace(Duration.ofMillis(200))
                .build(),
            CheckSchedule.builder()
                .interval(Duration.ofSeconds(5))
                .timeout(Duration.ofMillis(500))
                .build());
    List<Health> heard = new CopyOnWriteArrayList<>();
    probe.subscribe((source, before, now) -> heard.add(now));

    await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
    assertThat(heard.get(0).status()).isEqualTo(HealthStatus.DOWN);
    assertThat(heard.get(0).cause()).isEqualTo("timed out after 500 ms");
    assertThat(heard.get(0).latency()).isGreaterThanOrEqualTo(Duration.ofMillis(500));

    List<String> started = Files.readAllLines(pids);
    assertThat(started).hasSize(2);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> started.stream().noneMatch(pid -> Files.exists(Path.of("/proc/" + pid.strip()))));
    probe.close();
  }

  @Test
  void closingWaitsForAScriptInFlightToBeKilledAndReaped(@TempDir Path dir) throws IOException {
    Path pids = dir.resolve("pids");
    String script = "echo $$ > " + pids + "; sleep 300 & echo $! >> " + pids + "; sleep 301";
    HealthChecks own = HealthChecks.create();
    own.schedule(
        "long",
        ExecProbe.builder(List.of("sh", "-c", script)).killGrace(Duration.ofMillis(200)).build(),
        CheckSchedule.builder().timeout(Duration.ofSeconds(60)).build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
    List<String> started = Files.readAllLines(pids);
    own.close();
    assertThat(started)
        .allSatisfy(pid -> assertThat(Path.of("/proc/" + pid.strip())).doesNotExist());
  }
}
