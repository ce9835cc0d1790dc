package org.ha4j.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.health.net.TcpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters read real TCP probes: one against a loopback listener, one against a closed port. */
@Timeout(60)
class HealthMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void successesFailuresByReasonLatencyAndStatusPerProbe() throws Exception {
    int closedPort;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = closed.getLocalPort();
    }
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HealthChecks checks = HealthChecks.create()) {
      CheckSchedule fast =
          CheckSchedule.builder()
              .interval(Duration.ofMillis(100))
              .timeout(Duration.ofSeconds(5))
              .build();
      checks.schedule("app_up", TcpProbe.connect("127.0.0.1", open.getLocalPort()), fast);
      checks.schedule("app_down", TcpProbe.connect("127.0.0.1", closedPort), fast);
      new HealthMetrics(checks::probes).bindTo(registry);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  counter("ha4j.probe.successes", "probe", "app_up") >= 3
                      && counter("ha4j.probe.failures", "probe", "app_down", "reason", "FAILED")
                          >= 3);

      assertThat(gauge("app_up")).isEqualTo(1);
      assertThat(gauge("app_down")).isZero();
      assertThat(counter("ha4j.probe.successes", "probe", "app_down")).isZero();
      assertThat(counter("ha4j.probe.failures", "probe", "app_up", "reason", "FAILED")).isZero();
      assertThat(counter("ha4j.probe.failures", "probe", "app_down", "reason", "TIMEOUT")).isZero();
      var latency = registry.get("ha4j.probe.latency").tags("probe", "app_up").functionTimer();
      assertThat(latency.count()).isGreaterThanOrEqualTo(3);
      assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(latency.mean(TimeUnit.SECONDS)).isLessThan(5);
    }
  }

  /**
   * The node's scripts across a reload, as its ScriptChecks holds them: a removed script's probe
   * stops, a changed one is scheduled again under the same name, a new one starts.
   */
  @Test
  void afterAReloadTheSeriesAreThoseOfTheScriptsThatRunNow() throws Exception {
    CheckSchedule fast =
        CheckSchedule.builder()
            .interval(Duration.ofMillis(100))
            .timeout(Duration.ofSeconds(5))
            .build();
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HealthChecks after = HealthChecks.create()) {
      int port = open.getLocalPort();
      AtomicReference<List<ScheduledProbe>> running = new AtomicReference<>();
      HealthMetrics metrics = new HealthMetrics(running::get);
      try (HealthChecks before = HealthChecks.create()) {
        before.schedule("chk_kept", TcpProbe.connect("127.0.0.1", port), fast);
        before.schedule("chk_removed", TcpProbe.connect("127.0.0.1", port), fast);
        running.set(before.probes());
        metrics.bindTo(registry);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> counter("ha4j.probe.successes", "probe", "chk_kept") >= 3);
      }
      double keptBefore = counter("ha4j.probe.successes", "probe", "chk_kept");
      after.schedule("chk_kept", TcpProbe.connect("127.0.0.1", port), fast);
      after.schedule("chk_added", TcpProbe.connect("127.0.0.1", port), fast);
      running.set(after.probes());
      metrics.refresh();

      assertThat(counter("ha4j.probe.successes", "probe", "chk_kept"))
          .isGreaterThanOrEqualTo(keptBefore);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  counter("ha4j.probe.successes", "probe", "chk_added") >= 2
                      && counter("ha4j.probe.successes", "probe", "chk_kept") >= keptBefore + 2);
      assertThat(gauge("chk_added")).isEqualTo(1);
      assertThat(
              registry.get("ha4j.probe.latency").tags("probe", "chk_kept").functionTimer().count())
          .isGreaterThanOrEqualTo(keptBefore + 2);
      assertThat(registry.find("ha4j.probe.successes").tag("probe", "chk_removed").meters())
          .isEmpty();
      assertThat(registry.find("ha4j.probe.up").meters()).hasSize(2);
    }
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String probe) {
    return registry.get("ha4j.probe.up").tags("probe", probe).gauge().value();
  }
}
