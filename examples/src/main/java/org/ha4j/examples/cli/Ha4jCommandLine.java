package org.ha4j.examples.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code ./ha4j} command line: {@code ./ha4j SUBCOMMAND [FLAGS]}.
 *
 * <p>Exit codes are shared by every subcommand: 0 success, 1 a negative answer (a rejected packet,
 * a config with errors) or a runtime failure, 2 a usage error.
 */
public final class Ha4jCommandLine {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  private static final Map<String, Subcommand> COMMANDS = new LinkedHashMap<>();

  static {
    // Each issue registers its subcommands here, in the order they are listed by --help.
    register(new DecodeCommand());
    register(new SimulateCommand());
    register(new CheckCommand());
    register(new ProbeCommand());
    register(new NodeCommand());
    register(new ProxyCommand());
    register(new RunCommand());
    register(new DemoCommand());
  }

  private Ha4jCommandLine() {}

  private static void register(Subcommand command) {
    COMMANDS.put(command.name(), command);
  }

  public static void main(String[] args) {
    // UTF-8 whatever the locale, so the § of RFC rule names and the seed's Chinese comments survive
    // a C locale.
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.exit(run(Arrays.asList(args), out, err));
  }

  /** Runs one command line and returns its exit code; used by {@link #main} and by tests. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      printCommands(args.isEmpty() ? err : out);
      return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
    }
    Subcommand command = COMMANDS.get(args.get(0));
    if (command == null) {
      err.println("ha4j: unknown command '" + args.get(0) + "'");
      printCommands(err);
      return EXIT_USAGE;
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help")) {
      out.println("usage: ha4j " + command.usage());
      return EXIT_OK;
    }
    try {
      return command.run(rest, out, err);
    } catch (UsageException e) {
      err.println("ha4j " + command.name() + ": " + e.getMessage());
      err.println("usage: ha4j " + command.usage());
      return EXIT_USAGE;
    } catch (Exception e) {
      err.println("ha4j " + command.name() + ": " + e.getMessage());
      return EXIT_FAILURE;
    }
  }

  private static void printCommands(PrintStream stream) {
    stream.println("usage: ha4j COMMAND [ARGS]   (ha4j COMMAND --help for its flags)");
    stream.println();
    for (Subcommand command : COMMANDS.values()) {
      stream.printf("  %-10s %s%n", command.name(), command.summary());
    }
  }
}
