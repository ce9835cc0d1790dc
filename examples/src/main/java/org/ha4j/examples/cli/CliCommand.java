package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One {@code ./ha4j SUBCOMMAND}: its flags are the picocli-annotated fields of the subclass, so the
 * flags it accepts, its {@code --help} and docs/commands.md come from one definition.
 *
 * <p>Output goes to the streams {@link Ha4jCommandLine} hands over rather than to picocli's
 * writers: the commands print events line by line from other threads, and tests read both streams.
 */
abstract class CliCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  final void streams(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public final Integer call() throws Exception {
    return run(out, err);
  }

  /**
   * @return the exit code: {@link Ha4jCommandLine#EXIT_OK} or {@link Ha4jCommandLine#EXIT_FAILURE}
   * @throws UsageException for arguments the flags' types accept but the command does not; exits 2
   */
  abstract int run(PrintStream out, PrintStream err) throws Exception;
}
