package org.ha4j.health.os;

import java.util.List;
import java.util.regex.Pattern;
import org.ha4j.health.os.ProcFs.ProcStat;

/** Decides whether one process is the one looked for, from its stat line and its arguments. */
interface ProcessMatcher {

  boolean matches(ProcStat stat, List<String> cmdline);

  /**
   * Whether {@link #matches} needs the command line for this process (reading it costs a file
   * read).
   */
  default boolean needsCmdline(ProcStat stat) {
    return true;
  }

  String describe();

  /**
   * Matches {@code /proc/PID/comm}, as {@code pgrep NAME} does. Linux cuts comm at 15 characters,
   * so a longer name is confirmed by the program's file name in the command line (read only then:
   * reading every process's cmdline would double the cost of a scan).
   */
  static ProcessMatcher byName(String name) {
    String comm =
        name.length() > ProcessProbe.COMM_LENGTH
            ? name.substring(0, ProcessProbe.COMM_LENGTH)
            : name;
    return new ProcessMatcher() {
      @Override
      public boolean needsCmdline(ProcStat stat) {
        return name.length() > ProcessProbe.COMM_LENGTH && stat.comm().equals(comm);
      }

      @Override
      public boolean matches(ProcStat stat, List<String> cmdline) {
        if (!stat.comm().equals(comm)) {
          return false;
        }
        return name.length() <= ProcessProbe.COMM_LENGTH
            || cmdline.isEmpty()
            || programName(cmdline).startsWith(name);
      }

      @Override
      public String describe() {
        return "named " + name;
      }
    };
  }

  static ProcessMatcher byCommandLine(Pattern pattern) {
    return new ProcessMatcher() {
      @Override
      public boolean matches(ProcStat stat, List<String> cmdline) {
        return !cmdline.isEmpty() && pattern.matcher(String.join(" ", cmdline)).find();
      }

      @Override
      public String describe() {
        return "with a command line matching /" + pattern + "/";
      }
    };
  }

  /** The file name of argv[0]: {@code /usr/sbin/nginx} gives {@code nginx}. */
  private static String programName(List<String> cmdline) {
    if (cmdline.isEmpty()) {
      return "";
    }
    String program = cmdline.get(0);
    int space = program.indexOf(' ');
    // Processes that rewrite their title ("nginx: master process ...") keep the program first.
    if (space > 0 && program.indexOf(':') > 0 && program.indexOf(':') < space) {
      program = program.substring(0, program.indexOf(':'));
    }
    return program.substring(program.lastIndexOf('/') + 1);
  }
}
