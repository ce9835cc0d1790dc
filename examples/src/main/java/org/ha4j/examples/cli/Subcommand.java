package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code ./ha4j SUBCOMMAND}. Exit codes: 0 success, 1 a negative answer or failure, 2 usage
 * error.
 */
interface Subcommand {

  String name();

  /** One line for the command list, e.g. "decode a captured VRRP packet". */
  String summary();

  /** The synopsis printed with usage errors, e.g. "decode [--auth-pass P] HEX". */
  String usage();

  /**
   * @throws UsageException for bad arguments; the launcher prints it with {@link #usage()} and
   *     exits 2
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
