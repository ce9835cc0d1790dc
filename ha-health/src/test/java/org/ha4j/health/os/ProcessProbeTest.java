package org.ha4j.health.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes. The name looked for is unique per run ({@code ngx} + random hex), so an nginx
 * another test on this machine happens to run cannot change the outcome.
 */
class ProcessProbeTest {

  @TempDir Path dir;
  private String name;
  private Process service;
  private Process pipelineScript;

  @BeforeEach
  void setUp() {
    name =
        "ngx" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  }

  @AfterEach
  void tearDown() throws InterruptedException, IOException {
    for (Process p : new Process[] {service, pipelineScript}) {
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    Files.deleteIfExists(dir.resolve("bin").resolve(name)); // the link, before JUnit warns about it
  }

  private static ProbeResult check(AsyncProbe probe) {
    return probe
        .start(ProbeContext.of(Duration.ofSeconds(5), new VirtualScheduler(), Runnable::run))
        .toCompletableFuture()
        .join();
  }

  /**
   * Starts {@code sleep} under the name {@code name}: Linux takes comm from the file name executed.
   */
  private Process startService() throws IOException {
    Path link = dir.resolve("bin").resolve(name);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of("/bin/sleep"));
    return new ProcessBuilder(link.toString(), "300").start();
  }

  /**
   * check_nginx.sh from the reference deployment, with its "stop keepalived" replaced by printing
   * the count, and nginx replaced by this run's name; it lives where the original does, in a
   * directory named after the service.
   */
  private Path checkScript() throws IOException {
    Path script = dir.resolve("etc").resolve(name).resolve("check_" + name + ".sh");
    Files.createDirectories(script.getParent());
    String seed =
        Files.readString(Path.of("/work/shared/seed/check_nginx.sh"), StandardCharsets.UTF_8);
    String pipeline =
        seed.lines()
            .filter(l -> l.startsWith("count="))
            .findFirst()
            .orElseThrow()
            .replace("nginx", name);
    Files.writeString(script, "#!/bin/sh\n" + pipeline + "\necho \"$count\"\nsleep \"${1:-0}\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static int runPipeline(String... command) throws Exception {
    Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return Integer.parseInt(out);
  }

  @Test
  void theReferencePipelineCountsItsOwnInvocationWhileOurProbeCountsNothing() throws Exception {
    Path script = checkScript();
    // No process of that name exists. Run through a shell, as cron, sudo or a wrapper would, the
    // pipeline still finds a line mentioning the name that is neither grep nor $$: the wrapper's
    // own
    // "sh -c .../check_NAME.sh". The count is never 0, so the script never stops keepalived.
    assertThat(runPipeline("sh", "-c", script.toString()))
        .as("the seed pipeline's count, run through sh -c, with no such process")
        .isPositive();

    // Same with an operator's "tail -f /var/log/nginx/access.log" open: a text match is not a
    // process.
    Path log = dir.resolve("log").resolve(name).resolve("access.log");
    Files.createDirectories(log.getParent());
    Files.writeString(log, "");
    pipelineScript = new ProcessBuilder("tail", "-f", log.toString()).start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pipelineScript.info().commandLine().isPresent());
    assertThat(runPipeline(script.toString()))
        .as("the seed pipeline's count while tail runs")
        .isPositive();

    // Our probe counts processes named so, and there are none.
    ProbeResult result = check(ProcessProbe.named(name).build());
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail()).isEqualTo("0 processes named " + name + ", need at least 1");
  }

  @Test
  void findsTheLiveProcessByNameAndLosesItWhenItDies() throws Exception {
    AsyncProbe probe = ProcessProbe.named(name).build();
    service = startService();
    ProbeResult up = check(probe);
    assertThat(up.healthy()).isTrue();
    assertThat(up.detail()).isEqualTo("1 process named " + name + " [" + service.pid() + "]");

    service.destroyForcibly();
    service.waitFor(5, TimeUnit.SECONDS);
    assertThat(check(probe).healthy()).isFalse();
  }

  @Test
  void aNameLongerThanCommIsConfirmedByTheProgramName() throws Exception {
    name = name + "-long-service"; // 22 characters: comm keeps 15
    service = startService();
    assertThat(ProcFs.SYSTEM.stat(service.pid()).orElseThrow().comm())
        .isEqualTo(name.substring(0, 15));
    assertThat(check(ProcessProbe.named(name).build()).healthy()).isTrue();
    assertThat(check(ProcessProbe.named(name.substring(0, 15) + "-other").build()).healthy())
        .isFalse();
  }

  @Test
  void atLeastCountsEveryMatch() throws Exception {
    service = startService();
    assertThat(check(ProcessProbe.named(name).atLeast(2).build()).detail())
        .isEqualTo("1 process named " + name + " [" + service.pid() + "], need at least 2");
  }

  @Test
  void neverCountsThisJvm() {
    String ourName = ProcFs.SYSTEM.stat(ProcessHandle.current().pid()).orElseThrow().comm();
    ProcessCountProbe probe =
        new ProcessCountProbe(ProcessMatcher.byName(ourName), 1, ProcFs.SYSTEM);
    assertThat(probe.matching()).doesNotContain(ProcessHandle.current().pid());
    ProcessCountProbe byArgs =
        new ProcessCountProbe(
            ProcessMatcher.byCommandLine(Pattern.compile(Pattern.quote(name))), 1, ProcFs.SYSTEM);
    assertThat(byArgs.matching()).isEmpty();
  }

  @Test
  void neverCountsAScriptThisJvmRunsAsACheck() throws Exception {
    // A check script whose own command line carries the name must not count as the service.
    Path script = checkScript();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (SystemScheduler scheduler = new SystemScheduler("check-runner")) {
      ProbeContext context = ProbeContext.of(Duration.ofSeconds(30), scheduler, executor);
      CompletableFuture<ProbeResult> running =
          ExecProbe.builder(List.of(script.toString(), "300"))
              .build()
              .start(context)
              .toCompletableFuture();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  ProcessHandle.current()
                      .descendants()
                      .anyMatch(p -> p.info().commandLine().orElse("").contains("check_" + name)));

      AsyncProbe byArgs =
          ProcessProbe.commandLineMatching(Pattern.compile(Pattern.quote("check_" + name))).build();
      assertThat(check(byArgs).healthy()).isFalse();

      context.cancel();
      running.orTimeout(10, TimeUnit.SECONDS).join();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void pidFileFollowsTheProcessItNames() throws Exception {
    service = startService();
    Path pidFile = dir.resolve("service.pid");
    Files.writeString(pidFile, service.pid() + "\n");
    assertThat(check(ProcessProbe.pidFile(pidFile).expectName(name).build()))
        .isEqualTo(ProbeResult.ok("process " + service.pid() + " from " + pidFile + " is running"));
    assertThat(check(ProcessProbe.pidFile(pidFile).expectName("nginx").build()).detail())
        .isEqualTo(
            "process "
                + service.pid()
                + " from "
                + pidFile
                + " is '"
                + name
                + "', not named nginx");

    service.destroyForcibly();
    service.waitFor(5, TimeUnit.SECONDS);
    assertThat(check(ProcessProbe.pidFile(pidFile).build()).detail())
        .isEqualTo("process " + service.pid() + " from " + pidFile + " is not running");
  }

  @Test
  void aMissingOrGarbledPidFileIsAFailedCheck() throws IOException {
    Path missing = dir.resolve("gone.pid");
    assertThat(check(ProcessProbe.pidFile(missing).build()).detail())
        .isEqualTo("pid file " + missing + " does not exist");
    Path garbled = dir.resolve("garbled.pid");
    Files.writeString(garbled, "nginx\n");
    assertThat(check(ProcessProbe.pidFile(garbled).build()).detail())
        .isEqualTo("pid file " + garbled + " holds 'nginx', not a process id");
  }

  @Test
  void anUnreadablePidFileIsANamedConfigurationError() {
    assertThatThrownBy(() -> ProcessProbe.pidFile(dir))
        .isInstanceOf(UnreadablePidFileException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unreadable pid file " + dir + ": it is a directory");
  }

  @Test
  void rejectsANameWithASlash() {
    assertThatThrownBy(() -> ProcessProbe.named("/usr/sbin/nginx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without '/'");
  }

  @Test
  void parsesStatLinesWhoseNameHasSpacesAndParentheses() {
    ProcFs.ProcStat stat = ProcFs.ProcStat.parse("4242 (my (odd) name) S 1 4242 4200 0 -1 4194304");
    assertThat(stat).isEqualTo(new ProcFs.ProcStat(4242, "my (odd) name", 'S', 1, 4242, 4200));
  }
}
