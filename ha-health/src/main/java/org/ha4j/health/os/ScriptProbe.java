package org.ha4j.health.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.os.ProcFs.ProcStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ExecProbe} implementation: one {@link Run} per execution. */
final class ScriptProbe implements AsyncProbe {

  private static final Logger log = LoggerFactory.getLogger(ScriptProbe.class);
  private static final AtomicBoolean SUBREAPER_REQUESTED = new AtomicBoolean();

  /** How often the clean-up looks again for what a script left behind. */
  private static final Duration CLEANUP_POLL = Duration.ofMillis(20);

  /**
   * After SIGKILL, how long to wait for the kernel before giving up on a process (D state, ptrace).
   */
  private static final Duration GIVE_UP_AFTER_KILL = Duration.ofSeconds(5);

  /** How long a finished run waits for its output pipe to close after the tree is gone. */
  private static final Duration OUTPUT_GRACE = Duration.ofMillis(200);

  private final List<String> argv;
  private final int outputLimit;
  private final Duration killGrace;
  private final Path directory;
  private final boolean reapOrphans;
  private final String setsid;
  private final ProcessControl control;
  private final ProcFs procFs;

  ScriptProbe(
      List<String> argv,
      int outputLimit,
      Duration killGrace,
      Path directory,
      boolean reapOrphans,
      String setsid,
      ProcessControl control,
      ProcFs procFs) {
    this.argv = argv;
    this.outputLimit = outputLimit;
    this.killGrace = killGrace;
    this.directory = directory;
    this.reapOrphans = reapOrphans;
    this.setsid = setsid;
    this.control = control;
    this.procFs = procFs;
  }

  @Override
  public CompletionStage<ProbeResult> start(ProbeContext context) {
    if (reapOrphans
        && SUBREAPER_REQUESTED.compareAndSet(false, true)
        && !control.becomeChildSubreaper()) {
      log.info("cannot become a child subreaper; orphans of killed scripts go to PID 1");
    }
    List<String> command = new ArrayList<>();
    if (setsid != null) {
      command.add(setsid);
    }
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          ProbeResult.failed("cannot run " + argv.get(0) + ": " + e.getMessage()));
    }
    return new Run(process, context).start();
  }

  @Override
  public String toString() {
    return "exec " + String.join(" ", argv);
  }

  /** One execution: its process tree, its output, its clean-up. */
  private final class Run {
    private final Process process;
    private final long pid;
    private final ProbeContext context;
    private final BoundedOutput output = new BoundedOutput(outputLimit);
    private final CompletableFuture<Void> outputClosed = new CompletableFuture<>();
    private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();

    /**
     * Every pid ever seen in the tree, so one that left the group or lost its parent is still
     * found.
     */
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();

    private final long self = ProcessHandle.current().pid();
    private volatile boolean ownGroup;
    private volatile boolean timedOut;
    private volatile long termSentNanos = -1;
    private volatile int exitStatus;

    Run(Process process, ProbeContext context) {
      this.process = process;
      this.pid = process.pid();
      this.context = context;
    }

    CompletionStage<ProbeResult> start() {
      ScriptSessions.add(pid);
      try {
        process.getOutputStream().close(); // the script reads nothing: EOF on stdin
      } catch (IOException e) {
        log.debug("closing stdin of {} failed", pid, e);
      }
      // setsid(1) execs in place when its caller is not a group leader (ours never is), so the
      // script
      // keeps this pid and leads its own group; check rather than assume before signalling -pid.
      ownGroup = setsid != null && procFs.stat(pid).map(s -> s.pgrp() == pid).orElse(false);
      blocking(this::readOutput, () -> outputClosed.complete(null));
      context.onCancel(this::timeout);
      process
          .onExit()
          .whenComplete((exited, failure) -> blocking(this::afterExit, this::afterExit));
      return result;
    }

    private void readOutput() {
      byte[] buffer = new byte[4096];
      try (InputStream in = process.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          output.append(buffer, n);
        }
      } catch (IOException e) {
        log.debug("reading the output of {} stopped: {}", pid, e.toString());
      } finally {
        outputClosed.complete(null);
      }
    }

    /** keepalived: a script past its timeout gets SIGTERM, then SIGKILL after the grace period. */
    private void timeout() {
      timedOut = true;
      termSentNanos = context.scheduler().nanoTime();
      blocking(() -> signalTree(ProcessControl.SIGTERM), () -> {});
      later(
          killGrace,
          () ->
              blocking(
                  () -> {
                    if (!result.isDone()) {
                      signalTree(ProcessControl.SIGKILL);
                    }
                  },
                  () -> {}),
          () -> signalTree(ProcessControl.SIGKILL));
    }

    private void signalTree(int signal) {
      if (ownGroup) {
        control.signalGroup(pid, signal);
      }
      for (ProcStat member : members().values()) {
        if (!member.zombie()) {
          control.signal(member.pid(), signal);
        }
      }
    }

    /**
     * The script and everything it started: its session, its descendants, and anything seen before.
     */
    private Map<Long, ProcStat> members() {
      Map<Long, ProcStat> members = new HashMap<>();
      ProcessHandle.of(pid).ifPresent(root -> root.descendants().forEach(d -> seen.add(d.pid())));
      if (process.isAlive()) {
        seen.add(pid);
      }
      if (setsid != null) {
        for (long candidate : procFs.pids()) {
          procFs
              .stat(candidate)
              .filter(s -> s.session() == pid)
              .ifPresent(
                  s -> {
                    members.put(s.pid(), s);
                    seen.add(s.pid());
                  });
        }
      }
      for (long known : seen) {
        if (!members.containsKey(known)) {
          procFs.stat(known).ifPresentOrElse(s -> members.put(known, s), () -> seen.remove(known));
        }
      }
      members.remove(self);
      return members;
    }

    private void afterExit() {
      exitStatus = process.exitValue();
      cleanUp();
    }

    /** Kills and reaps whatever the script left behind, then completes the result. */
    private void cleanUp() {
      Map<Long, ProcStat> leftovers = members();
      leftovers.remove(pid); // the JDK reaps the script itself
      boolean waiting = false;
      List<Long> alive = new ArrayList<>();
      for (ProcStat member : leftovers.values()) {
        if (member.zombie()) {
          if (member.ppid() == self && !control.reap(member.pid())) {
            waiting = true; // adopted but not reapable yet: look again
          }
        } else {
          alive.add(member.pid());
        }
      }
      if (alive.isEmpty() && !waiting) {
        finish();
        return;
      }
      long now = context.scheduler().nanoTime();
      if (termSentNanos < 0) {
        termSentNanos = now;
        log.debug("script {} left {} behind; terminating them", pid, alive);
        signalTree(ProcessControl.SIGTERM);
      } else if (now - termSentNanos >= killGrace.toNanos()) {
        signalTree(ProcessControl.SIGKILL);
        if (now - termSentNanos >= killGrace.plus(GIVE_UP_AFTER_KILL).toNanos()) {
          log.warn("script {}: processes {} survive SIGKILL; giving up on them", pid, alive);
          finish();
          return;
        }
      }
      later(CLEANUP_POLL, () -> blocking(this::cleanUp, this::finish), this::finish);
    }

    /** Arms a timer on the shared scheduler, or runs {@code otherwise} if it has been shut down. */
    private void later(Duration delay, Runnable task, Runnable otherwise) {
      try {
        context.scheduler().schedule(delay, task);
      } catch (RejectedExecutionException e) {
        otherwise.run();
      }
    }

    private void finish() {
      ScriptSessions.remove(pid);
      if (outputClosed.isDone()) {
        complete();
      } else {
        // Only a daemon that escaped the session can still hold the pipe; do not wait for it.
        later(OUTPUT_GRACE, this::complete, this::complete);
      }
    }

    private void complete() {
      String text = output.text().strip();
      String shown = text.isEmpty() ? "" : ": " + text.replaceAll("\\s*\n\\s*", " | ");
      int status = exitStatus;
      String how = status > 128 ? "killed by signal " + (status - 128) : "exit status " + status;
      if (timedOut) {
        result.complete(
            ProbeResult.failed("timed out, process tree terminated (" + how + ")" + shown));
      } else if (status == 0) {
        result.complete(ProbeResult.ok("exit status 0" + shown));
      } else {
        result.complete(ProbeResult.failed(how + shown));
      }
    }

    /** Runs blocking work on the bounded executor, or {@code whenRejected} if it refuses. */
    private void blocking(Runnable work, Runnable whenRejected) {
      try {
        context.blockingExecutor().execute(work);
      } catch (RejectedExecutionException e) {
        log.warn("probe executor refused work for script {}: {}", pid, e.toString());
        whenRejected.run();
      }
    }
  }
}
