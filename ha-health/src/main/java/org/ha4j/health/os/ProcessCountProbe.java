package org.ha4j.health.os;

import java.util.ArrayList;
import java.util.List;
import org.ha4j.health.Probe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.os.ProcFs.ProcStat;

/** Counts live processes that match, leaving out this JVM and the scripts it runs as checks. */
final class ProcessCountProbe implements Probe {

  private final ProcessMatcher matcher;
  private final int minimum;
  private final ProcFs procFs;
  private final long self = ProcessHandle.current().pid();

  ProcessCountProbe(ProcessMatcher matcher, int minimum, ProcFs procFs) {
    this.matcher = matcher;
    this.minimum = minimum;
    this.procFs = procFs;
  }

  @Override
  public ProbeResult check(ProbeContext context) {
    List<Long> found = matching();
    String what =
        found.size() + (found.size() == 1 ? " process " : " processes ") + matcher.describe();
    if (found.size() >= minimum) {
      return ProbeResult.ok(what + " " + found);
    }
    return ProbeResult.failed(
        what + (found.isEmpty() ? "" : " " + found) + ", need at least " + minimum);
  }

  List<Long> matching() {
    List<Long> found = new ArrayList<>();
    for (long pid : procFs.pids()) {
      if (pid == self) {
        continue;
      }
      ProcStat stat = procFs.stat(pid).orElse(null);
      if (stat == null || stat.zombie() || ScriptSessions.isOurs(stat.session())) {
        continue;
      }
      if (matcher.matches(stat, matcher.needsCmdline(stat) ? procFs.cmdline(pid) : List.of())) {
        found.add(pid);
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return "process " + matcher.describe();
  }
}
