package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ha4j.node.CheckReport;
import org.ha4j.node.HaNode;

/**
 * {@code ha4j check [keepalived.conf] [nginx.conf]}: ha4j's {@code keepalived -t} / {@code nginx
 * -t}. Prints what it understood of each file, or every problem with file:line; exit 0 when both
 * load, 1 otherwise.
 */
final class CheckCommand implements Subcommand {

  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "check a keepalived.conf and/or nginx.conf and print what ha4j understood";
  }

  @Override
  public String usage() {
    return "check [--keepalived FILE] [--nginx FILE] [FILE ...]   (FILEs are recognised by their content)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    Flags flags = Flags.parse(args, Set.of("keepalived", "nginx"), Set.of());
    List<Path> keepalivedFiles = new ArrayList<>();
    List<Path> nginxFiles = new ArrayList<>();
    flags.all("keepalived").forEach(f -> keepalivedFiles.add(Path.of(f)));
    flags.all("nginx").forEach(f -> nginxFiles.add(Path.of(f)));
    for (String file : flags.positional()) {
      Path path = Path.of(file);
      if (looksLikeKeepalived(path)) {
        keepalivedFiles.add(path);
      } else {
        nginxFiles.add(path);
      }
    }
    if (keepalivedFiles.isEmpty() && nginxFiles.isEmpty()) {
      throw new UsageException("give at least one file");
    }
    CheckReport report = HaNode.check(keepalivedFiles, nginxFiles);
    report.lines().forEach(out::println);
    out.println(report.passed() ? "check passed" : "check FAILED");
    return report.passed() ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
  }

  private static boolean looksLikeKeepalived(Path file) throws UsageException {
    try {
      return HaNode.isKeepalivedConf(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
