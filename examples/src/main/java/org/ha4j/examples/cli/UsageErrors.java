package org.ha4j.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How a command line that cannot run is reported, on stderr: {@code ha4j COMMAND: what is wrong}
 * (naming the flag, what it accepts, and the nearest flag or command for a typo), then the
 * command's synopsis; exit 2. A failure while running is {@code ha4j COMMAND: why}, exit 1.
 */
final class UsageErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(prefix(command) + ": " + message(e));
    printSynopsis(command, err);
    return Ha4jCommandLine.EXIT_USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    err.println(prefix(command) + ": " + e.getMessage());
    if (e instanceof UsageException) {
      printSynopsis(command, err);
      return Ha4jCommandLine.EXIT_USAGE;
    }
    return Ha4jCommandLine.EXIT_FAILURE;
  }

  private static String prefix(CommandLine command) {
    return command.getCommandSpec().qualifiedName();
  }

  private static void printSynopsis(CommandLine command, PrintWriter err) {
    CommandLine.Help help = command.getHelp();
    err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
    boolean top = command.getParent() == null;
    err.println(
        "("
            + prefix(command)
            + " --help "
            + (top ? "lists the commands" : "describes every flag")
            + ")");
    err.flush();
  }

  /** One sentence in the commands' own style, whatever picocli's exception says. */
  static String message(ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      return unmatched(unmatched);
    }
    if (e instanceof CommandLine.OverwrittenOptionException overwritten) {
      return name(overwritten.getOverwritten()) + " given more than once";
    }
    if (e instanceof CommandLine.MissingParameterException missing) {
      String names = missing.getMissing().stream().map(UsageErrors::name).collect(joined());
      return e.getMessage().startsWith("Missing required parameter for option")
          ? names + " needs a value"
          : names + (missing.getMissing().size() > 1 ? " are required" : " is required");
    }
    if (e.getCause() instanceof CommandLine.TypeConversionException conversion
        && e.getArgSpec() != null) {
      return name(e.getArgSpec()) + " " + conversion.getMessage();
    }
    return e.getMessage();
  }

  private static String unmatched(CommandLine.UnmatchedArgumentException e) {
    List<String> given = e.getUnmatched();
    String first = given.isEmpty() ? "" : given.get(0);
    boolean atTop = e.getCommandLine().getParent() == null;
    String what =
        first.startsWith("-")
            ? "unknown flag " + first
            : atTop ? "unknown command '" + first + "'" : "unexpected argument '" + first + "'";
    List<String> suggestions = e.getSuggestions();
    return suggestions.isEmpty()
        ? what
        : what + " (did you mean " + String.join(" or ", suggestions) + "?)";
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joined() {
    return Collectors.joining(", ");
  }
}
