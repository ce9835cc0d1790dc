package org.ha4j.health.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ha4j.core.config.CommandLine;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real scripts, real signals; /proc is the witness that nothing is left behind. */
class ExecProbeTest {

  private SystemScheduler scheduler;
  private ExecutorService executor;

  @BeforeEach
  void setUp() {
    scheduler = new SystemScheduler("exec-test");
    executor = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    scheduler.close();
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  private ProbeContext context(Duration timeout) {
    return ProbeContext.of(timeout, scheduler, executor);
  }

  private ProbeResult run(AsyncProbe probe) {
    return probe
        .start(context(Duration.ofSeconds(10)))
        .toCompletableFuture()
        .orTimeout(20, TimeUnit.SECONDS)
        .join();
  }

  /** Processes whose session is {@code session}, zombies included, straight from /proc. */
  private static Set<Long> inSession(long session) {
    return ProcFs.SYSTEM.pids().stream()
        .filter(pid -> ProcFs.SYSTEM.stat(pid).map(s -> s.session() == session).orElse(false))
        .collect(Collectors.toSet());
  }

  private static Set<Long> existing(Set<Long> pids) {
    return pids.stream()
        .filter(pid -> Files.exists(Path.of("/proc/" + pid)))
        .collect(Collectors.toSet());
  }

  @Test
  void exitZeroIsHealthyAndAnythingElseIsNotWithTheOutputInTheDetail() {
    assertThat(run(ExecProbe.builder("true").build())).isEqualTo(ProbeResult.ok("exit status 0"));
    ProbeResult failed =
        run(ExecProbe.builder(List.of("sh", "-c", "echo nginx is gone >&2; exit 3")).build());
    assertThat(failed.healthy()).isFalse();
    assertThat(failed.detail()).isEqualTo("exit status 3: nginx is gone");
  }

  @Test
  void outputIsKeptOnlyUpToItsBound() {
    ProbeResult result =
        run(
            ExecProbe.builder(List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"))
                .outputLimit(10)
                .build());
    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).isEqualTo("exit status 0: xxxxxxxxxx... (99990 more bytes)");
  }

  @Test
  void aMissingProgramIsAFailureNotAnException() {
    ProbeResult result = run(ExecProbe.builder("/nonexistent/check_nginx.sh").build());
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).containsAnyOf("No such file", "cannot run");
  }

  @Test
  void aHangingScriptIsKilledWithItsWholeTreeAndProcShowsNoneLeft() {
    // Children in the background, a grandchild in a subshell, and one that ignores SIGTERM (needs
    // SIGKILL).
    String script =
        "sleep 300 & (sleep 301 &) ; sh -c 'trap \"\" TERM; sleep 302; sleep 303' & echo started; sleep 304";
    AsyncProbe probe =
        ExecProbe.builder(List.of("sh", "-c", script)).killGrace(Duration.ofMillis(700)).build();
    ProbeContext context = context(Duration.ofSeconds(30));
    long started = System.nanoTime();
    CompletableFuture<ProbeResult> result = probe.start(context).toCompletableFuture();

    long root =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    ProcessHandle.current()
                        .children()
                        .filter(c -> c.info().commandLine().orElse("").contains("sleep 304"))
                        .map(ProcessHandle::pid)
                        .findFirst()
                        .orElse(0L),
                pid -> pid != 0 && inSession(pid).size() >= 6);
    Set<Long> tree = inSession(root);
    assertThat(result).isNotDone();

    long cancelled = System.nanoTime();
    context.cancel();
    ProbeResult outcome = result.orTimeout(15, TimeUnit.SECONDS).join();
    long finished = System.nanoTime();

    assertThat(outcome.healthy()).isFalse();
    assertThat(outcome.detail())
        .startsWith("timed out, process tree terminated (killed by signal 15): started");
    // The TERM-ignoring sleep needed the SIGKILL that comes only after the grace period.
    assertThat(Duration.ofNanos(finished - cancelled))
        .isGreaterThanOrEqualTo(Duration.ofMillis(700));
    assertThat(inSession(root)).as("processes left in the script's session").isEmpty();
    assertThat(existing(tree))
        .as("processes of the tree still in /proc, zombies included")
        .isEmpty();
    assertThat(Duration.ofNanos(finished - started)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void whatAScriptLeavesRunningWhenItExitsIsCleanedUp() {
    AsyncProbe probe =
        ExecProbe.builder(List.of("sh", "-c", "sleep 300 & sleep 301 & echo $$")).build();
    ProbeResult result = run(probe);
    assertThat(result.healthy()).isTrue();
    long root = Long.parseLong(result.detail().replace("exit status 0: ", "").strip());
    assertThat(inSession(root)).isEmpty();
  }

  @Test
  void theScriptRunsInASessionOfItsOwn(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("ids");
    run(ExecProbe.builder(List.of("sh", "-c", "cut -d' ' -f1,5,6 /proc/$$/stat > " + out)).build());
    String[] ids = Files.readString(out).strip().split(" ");
    assertThat(ids[1]).as("process group").isEqualTo(ids[0]);
    assertThat(ids[2]).as("session").isEqualTo(ids[0]);
  }

  @Test
  void aScriptWithoutAShebangRunsUnderShLikeTheReferenceDeploymentsCheckNginx(@TempDir Path dir)
      throws IOException {
    // The reference deployment's check_nginx.sh has no #! line; execvp falls back to /bin/sh, as
    // keepalived does.
    Path script = dir.resolve("check.sh");
    Files.writeString(
        script, "count=$(echo a b c | wc -w)\nif [ \"$count\" -eq 3 ]; then exit 0; fi\nexit 1\n");
    Files.setPosixFilePermissions(
        script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThat(run(ExecProbe.builder(script.toString()).build()))
        .isEqualTo(ProbeResult.ok("exit status 0"));
  }

  @Test
  void commandLinesSplitLikeKeepalived() {
    assertThat(CommandLine.split("/etc/nginx/check_nginx.sh"))
        .containsExactly("/etc/nginx/check_nginx.sh");
    assertThat(CommandLine.split("  sh -c 'pidof nginx || exit 1'  "))
        .containsExactly("sh", "-c", "pidof nginx || exit 1");
    assertThat(CommandLine.split("echo \"a \\\"b\\\" c\" d\\ e"))
        .containsExactly("echo", "a \"b\" c", "d e");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CommandLine.split("sh -c 'oops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated '");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CommandLine.split("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty command line");
  }
}
