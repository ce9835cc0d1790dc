package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.node.CheckReport;
import org.ha4j.node.HaNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ha4j check [keepalived.conf] [nginx.conf]}: ha4j's {@code keepalived -t} / {@code nginx
 * -t}. Prints what it understood of each file, or every problem with file:line; exit 0 when both
 * load, 1 otherwise.
 */
@Command(
    name = "check",
    description = {
      "Check keepalived.conf and nginx.conf files as ./ha4j run (or proxy --nginx) would load"
          + " them, and print what ha4j understood: ha4j's keepalived -t / nginx -t."
    },
    footer = {
      "%nWhat was understood, the warnings (with what each ignored directive would have done)"
          + " and the verdict go to stdout; every error goes to stderr as file:line: error:"
          + " 'keyword' ...; exit 1 when there is one."
    })
final class CheckCommand extends CliCommand {

  @Option(
      names = "--keepalived",
      paramLabel = "FILE",
      description =
          "A keepalived.conf, whatever its content looks like; repeatable (default: none).")
  private List<Path> keepalivedFlags = List.of();

  @Option(
      names = "--nginx",
      paramLabel = "FILE",
      description = "An nginx.conf, whatever its content looks like; repeatable (default: none).")
  private List<Path> nginxFlags = List.of();

  @Option(
      names = "--strict",
      description =
          "Warnings are errors: exit 1 when ha4j would skip or ignore anything (default: warnings"
              + " pass).")
  private boolean strict;

  @Parameters(
      paramLabel = "FILE",
      arity = "0..*",
      description =
          "A keepalived.conf or nginx.conf, told apart by its content (a keepalived.conf has"
              + " vrrp_instance, global_defs, ...).")
  private List<Path> files = List.of();

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    List<Path> keepalivedFiles = new ArrayList<>(keepalivedFlags);
    List<Path> nginxFiles = new ArrayList<>(nginxFlags);
    for (Path file : files) {
      if (looksLikeKeepalived(file)) {
        keepalivedFiles.add(file);
      } else {
        nginxFiles.add(file);
      }
    }
    if (keepalivedFiles.isEmpty() && nginxFiles.isEmpty()) {
      throw new UsageException("give at least one file");
    }
    CheckReport report = HaNode.check(keepalivedFiles, nginxFiles);
    for (CheckReport.Entry entry : report.entries()) {
      boolean fails =
          entry.kind() == CheckReport.Kind.ERROR
              || (strict && entry.kind() == CheckReport.Kind.WARNING);
      if (fails) {
        // stderr on its own must still say where: the file:line line, not its indentation
        entry.lines().forEach(line -> err.println(line.substring(2)));
      } else {
        entry.lines().forEach(out::println);
      }
    }
    err.flush();
    out.println(counts(report));
    boolean passed = strict ? report.passedStrictly() : report.passed();
    // the last line stays exactly what scripts compare with
    out.println(passed ? "check passed" : "check FAILED");
    return passed ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
  }

  /** e.g. {@code 2 errors (on stderr), 1 warning}. */
  private String counts(CheckReport report) {
    long errors = report.count(CheckReport.Kind.ERROR);
    long warnings = report.count(CheckReport.Kind.WARNING);
    return plural(errors, "error")
        + (errors > 0 ? " (on stderr)" : "")
        + ", "
        + plural(warnings, "warning")
        + (strict && warnings > 0 ? " (errors under --strict, on stderr)" : "");
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  private static boolean looksLikeKeepalived(Path file) throws UsageException {
    try {
      return HaNode.isKeepalivedConf(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
