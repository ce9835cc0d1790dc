package org.ha4j.examples.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.ha4j.proxy.RelayKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ./ha4j} command line: {@code ./ha4j COMMAND [FLAGS]}.
 *
 * <p>Exit codes are shared by every command: 0 success, 1 a negative answer (a rejected packet, a
 * config with errors) or a runtime failure, 2 a usage error. Usage errors and failures go to
 * stderr; what a command was asked for goes to stdout.
 */
@Command(
    name = "ha4j",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Ha4jCommandLine.BuildVersion.class,
    sortOptions = false,
    sortSynopsis = false,
    usageHelpAutoWidth = false,
    usageHelpWidth = 100,
    synopsisHeading = "usage: ",
    descriptionHeading = "%n",
    parameterListHeading = "%nArguments:%n",
    optionListHeading = "%nFlags:%n",
    commandListHeading = "%nCommands (ha4j COMMAND --help describes each one's flags):%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:a negative answer (a rejected packet, a config with errors) or a runtime failure",
      "2:a usage error: an unknown or malformed flag, a missing argument"
    },
    description =
        "High availability for the JVM: VRRP (keepalived) and a TCP proxy (nginx stream).")
public final class Ha4jCommandLine implements Runnable {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @Spec private CommandSpec spec;

  private Ha4jCommandLine() {}

  /** {@code ./ha4j} alone: the command list, as a usage error. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "give a COMMAND (ha4j --help lists them)");
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
    return commandLine(out, err, commandsFor(args, allCommands(System.in)))
        .execute(args.toArray(String[]::new));
  }

  /**
   * The command {@code args} begin with, alone; all of {@code commands} when they begin with none
   * (the lists of {@code --help}, {@code help} and a usage error). Picocli builds the model of each
   * command it is given from its annotations, a tenth of a second for all of them, at every start:
   * time before a proxy accepts or a node sends its first advertisement.
   */
  static List<CliCommand> commandsFor(List<String> args, List<CliCommand> commands) {
    if (!args.isEmpty()) {
      for (CliCommand command : commands) {
        if (command.getClass().getAnnotation(Command.class).name().equals(args.get(0))) {
          return List.of(command);
        }
      }
    }
    return commands;
  }

  /** Every command, in the order {@code --help} lists them. */
  static List<CliCommand> allCommands(InputStream console) {
    return List.of(
        new DecodeCommand(),
        new SimulateCommand(),
        new CheckCommand(),
        new ProbeCommand(),
        new NodeCommand(),
        new ProxyCommand(),
        new RunCommand(console),
        new StatusCommand(),
        new DemoCommand());
  }

  /** The picocli tree of {@code commands}, printing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintStream out, PrintStream err, List<CliCommand> commands) {
    CommandLine root = new CommandLine(new Ha4jCommandLine());
    for (CliCommand command : commands) {
      command.streams(out, err);
      root.addSubcommand(command);
    }
    root.addSubcommand(new CommandLine.HelpCommand());
    root.registerConverter(Duration.class, new CliTypes.DurationConverter());
    root.registerConverter(Integer.class, new CliTypes.IntConverter());
    root.registerConverter(Integer.TYPE, new CliTypes.IntConverter());
    root.registerConverter(Long.class, new CliTypes.LongConverter());
    root.registerConverter(Long.TYPE, new CliTypes.LongConverter());
    root.registerConverter(RelayKind.class, new CliTypes.RelayConverter());
    root.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    root.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    UsageErrors errors = new UsageErrors();
    root.setParameterExceptionHandler(errors);
    root.setExecutionExceptionHandler(errors);
    return root;
  }

  /** The version Maven wrote into {@code ha4j-version.properties} when it built the jar. */
  static final class BuildVersion implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties build = new Properties();
      try (InputStream in = Ha4jCommandLine.class.getResourceAsStream("/ha4j-version.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {
        "ha4j " + build.getProperty("version", "(unknown: not built by Maven)"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
