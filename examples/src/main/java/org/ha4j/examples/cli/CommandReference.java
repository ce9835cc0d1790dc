package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * The flag reference of docs/commands.md, written from the same picocli definitions that parse the
 * command line, so the page cannot describe a flag the command does not take.
 *
 * <p>{@code java -cp examples/target/ha4j.jar org.ha4j.examples.cli.CommandReference
 * docs/commands.md} rewrites the generated part of the page; CommandReferenceTest fails while the
 * page differs from it.
 */
final class CommandReference {

  static final String BEGIN =
      "<!-- flag reference: generated from the command definitions by CommandReference; do not"
          + " edit -->";
  static final String END = "<!-- end of the generated flag reference -->";

  private CommandReference() {}

  /** The generated part, markers included. */
  static String generate() {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    CommandLine root =
        Ha4jCommandLine.commandLine(discard, discard, Ha4jCommandLine.allCommands(System.in));
    StringBuilder text = new StringBuilder(BEGIN).append("\n## Flag reference\n\n");
    text.append("Every command's `--help`, as this build prints it.\n");
    section(text, "./ha4j", root);
    for (CommandLine command : root.getSubcommands().values()) {
      if (command.getCommand() instanceof CliCommand) {
        section(text, "./ha4j " + command.getCommandName(), command);
      }
    }
    return text.append(END).append('\n').toString();
  }

  private static void section(StringBuilder text, String title, CommandLine command) {
    text.append("\n### `").append(title).append(" --help`\n\n```\n");
    text.append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing());
    text.append("\n```\n");
  }

  /** {@code page} with its generated part replaced by {@link #generate()}. */
  static String rewrite(String page) {
    int begin = page.indexOf(BEGIN);
    int end = page.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "the page has no generated part (" + BEGIN + " ... " + END + ")");
    }
    return page.substring(0, begin) + generate() + page.substring(end + END.length() + 1);
  }

  public static void main(String[] args) throws IOException {
    Path page = Path.of(args.length > 0 ? args[0] : "docs/commands.md");
    String text = Files.readString(page, StandardCharsets.UTF_8);
    Files.writeString(page, rewrite(text), StandardCharsets.UTF_8);
  }

  static List<String> commandNames() {
    return Ha4jCommandLine.allCommands(System.in).stream()
        .map(c -> c.getClass().getAnnotation(CommandLine.Command.class).name())
        .toList();
  }
}
