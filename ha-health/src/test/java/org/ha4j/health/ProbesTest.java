package org.ha4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ha4j.core.time.VirtualScheduler;
import org.junit.jupiter.api.Test;

class ProbesTest {

  private final VirtualScheduler clock = new VirtualScheduler();

  private ProbeResult run(AsyncProbe probe) {
    CompletableFuture<ProbeResult> result =
        probe
            .start(ProbeContext.of(Duration.ofSeconds(1), clock, Runnable::run))
            .toCompletableFuture();
    clock.runDue();
    return result.join();
  }

  private static AsyncProbe fixed(String name, boolean ok) {
    return Probes.named(
        name,
        context ->
            CompletableFuture.completedFuture(ok ? ProbeResult.ok() : ProbeResult.failed("no")));
  }

  @Test
  void allAnyAndAtLeastCountHealthyChildren() {
    AsyncProbe a = fixed("a", true);
    AsyncProbe b = fixed("b", false);
    AsyncProbe c = fixed("c", true);
    assertThat(run(Probes.all(a, b, c)))
        .isEqualTo(ProbeResult.failed("2 of 3 healthy, need 3 [a: OK; b: FAILED (no); c: OK]"));
    assertThat(run(Probes.all(a, c)).healthy()).isTrue();
    assertThat(run(Probes.any(b, c)).healthy()).isTrue();
    assertThat(run(Probes.any(b, b)).healthy()).isFalse();
    assertThat(run(Probes.atLeast(2, a, b, c)).healthy()).isTrue();
    assertThat(run(Probes.atLeast(2, a, b, b)).healthy()).isFalse();
  }

  @Test
  void aChildThatThrowsCountsAsFailed() {
    AsyncProbe thrower =
        Probes.named(
            "thrower",
            context -> {
              throw new IllegalStateException("boom");
            });
    assertThat(run(Probes.any(thrower, fixed("ok", true))).detail())
        .isEqualTo(
            "1 of 2 healthy, need 1 [thrower: FAILED (IllegalStateException: boom); ok: OK]");
  }

  @Test
  void cancellingACompositeCancelsEveryChild() {
    AtomicInteger cancelled = new AtomicInteger();
    AsyncProbe hanging =
        context -> {
          CompletableFuture<ProbeResult> never = new CompletableFuture<>();
          context.onCancel(
              () -> {
                cancelled.incrementAndGet();
                never.complete(ProbeResult.failed("cancelled"));
              });
          return never;
        };
    ProbeContext context = ProbeContext.of(Duration.ofSeconds(1), clock, Runnable::run);
    CompletableFuture<ProbeResult> result =
        Probes.all(hanging, hanging).start(context).toCompletableFuture();
    assertThat(result).isNotDone();
    context.cancel();
    assertThat(cancelled).hasValue(2);
    assertThat(result.join().healthy()).isFalse();
  }

  @Test
  void aCustomLambdaProbe() {
    AtomicBoolean healthy = new AtomicBoolean(true);
    AsyncProbe probe = Probes.custom("queue", healthy::get);
    assertThat(run(probe)).isEqualTo(ProbeResult.ok());
    healthy.set(false);
    assertThat(run(probe)).isEqualTo(ProbeResult.failed("queue reports unhealthy"));
    assertThat(probe).hasToString("queue");
  }

  @Test
  void compositeArgumentsAreChecked() {
    assertThatThrownBy(Probes::all).hasMessage("a composite needs at least 1 probe, got 0");
    assertThatThrownBy(() -> Probes.atLeast(3, fixed("a", true), fixed("b", true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("atLeast needs 1-2 healthy probes, got 3");
  }

  @Test
  void parsesEveryKnownKind() {
    for (String spec :
        new String[] {
          "tcp:127.0.0.1:8080",
          "tcp:[::1]:80",
          "http://127.0.0.1:8080/health",
          "https://localhost/",
          "exec:/etc/nginx/check_nginx.sh",
          "process:nginx",
          "pidfile:/run/nginx.pid",
          "load:4.5",
          "cpu:90",
          "memory:512M",
          "memory:10%",
          "diskio:80",
          "diskio:vda:80"
        }) {
      assertThat(Probes.parse(spec)).as(spec).isNotNull();
    }
    assertThat(Probes.parse("process:nginx")).hasToString("process named nginx");
  }

  @Test
  void anUnknownKindIsANamedErrorListingTheKnownOnes() {
    assertThatThrownBy(() -> Probes.parse("smtp:mail:25"))
        .isInstanceOf(UnknownProbeKindException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown probe kind 'smtp' in 'smtp:mail:25'; known kinds: tcp, http, https, exec, "
                + "process, pidfile, load, cpu, memory, diskio");
    assertThatThrownBy(() -> Probes.parse("nginx"))
        .hasMessageStartingWith("a probe spec is KIND:VALUE");
  }

  @Test
  void malformedValuesNameTheSpec() {
    assertThatThrownBy(() -> Probes.parse("tcp:127.0.0.1:99999"))
        .hasMessage("invalid probe 'tcp:127.0.0.1:99999': port must be 1-65535, got 99999");
    assertThatThrownBy(() -> Probes.parse("cpu:lots"))
        .hasMessageStartingWith("invalid probe 'cpu:lots': ");
    assertThatThrownBy(() -> Probes.parse("memory:12X"))
        .hasMessage("invalid probe 'memory:12X': expected a size such as 512M, got '12X'");
    assertThatThrownBy(() -> Probes.parse("cpu:150"))
        .hasMessage("invalid probe 'cpu:150': maxPercent must be 0-100, got 150.0");
  }
}
