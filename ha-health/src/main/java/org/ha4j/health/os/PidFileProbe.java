package org.ha4j.health.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.health.Probe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;
import org.ha4j.health.os.ProcFs.ProcStat;

/** Reads a pid file and checks that its process lives (and, optionally, has the expected name). */
final class PidFileProbe implements Probe {

  private final Path path;
  private final ProcessMatcher expected;
  private final ProcFs procFs;

  PidFileProbe(Path path, ProcessMatcher expected, ProcFs procFs) {
    this.path = path;
    this.expected = expected;
    this.procFs = procFs;
  }

  @Override
  public ProbeResult check(ProbeContext context) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return ProbeResult.failed("pid file " + path + " does not exist");
    } catch (IOException e) {
      return ProbeResult.failed("cannot read pid file " + path + ": " + e);
    }
    if (!text.matches("\\d{1,10}") || Long.parseLong(text) < 1) {
      String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
      return ProbeResult.failed("pid file " + path + " holds '" + shown + "', not a process id");
    }
    long pid = Long.parseLong(text);
    ProcStat stat = procFs.stat(pid).orElse(null);
    if (stat == null) {
      return ProbeResult.failed("process " + pid + " from " + path + " is not running");
    }
    if (stat.zombie()) {
      return ProbeResult.failed("process " + pid + " from " + path + " has exited (zombie)");
    }
    if (expected != null
        && !expected.matches(stat, expected.needsCmdline(stat) ? procFs.cmdline(pid) : List.of())) {
      return ProbeResult.failed(
          "process "
              + pid
              + " from "
              + path
              + " is '"
              + stat.comm()
              + "', not "
              + expected.describe());
    }
    return ProbeResult.ok("process " + pid + " from " + path + " is running");
  }

  @Override
  public String toString() {
    return "pidfile " + path;
  }
}
