package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every command shares: help and version, exit codes 0/1/2, errors on stderr, typo
 * suggestions, one way to write a duration and a listen address.
 */
class CommandLineContractTest {

  /** A seed advertisement (VRID 51, priority 100, PASS 1111, advert_int 1). */
  private static final String SEED_MASTER =
      "45c0002800010000ff70cfbf0ac9000ae00000122133640101010c3b0ac900643131313100000000";

  private static CommandRun ha4j(String... args) {
    return CommandRun.of(args);
  }

  static List<String> commands() {
    return CommandReference.commandNames();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpDescribesEveryFlagAndItsDefaultOnStdout(String command) {
    for (String help : List.of("--help", "-h")) {
      CommandRun result = ha4j(command, help);
      assertThat(result.exit()).isZero();
      assertThat(result.err()).isEmpty();
      assertThat(result.out()).startsWith("usage: ha4j " + command).contains("Exit codes:");
    }
    CommandLine parsed =
        Ha4jCommandLine.commandLine(System.out, System.err, Ha4jCommandLine.allCommands(System.in));
    for (OptionSpec option : parsed.getSubcommands().get(command).getCommandSpec().options()) {
      if (option.hidden() || option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String description = String.join(" ", option.description());
      assertThat(ha4j(command, "--help").out()).contains(option.longestName());
      assertThat(description).as(command + " " + option.longestName()).isNotBlank();
      if (!option.required()) {
        assertThat(description)
            .as(command + " " + option.longestName() + " says its default")
            .containsPattern("\\(default: [^)]+\\)");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void aCommandLineOfTheNamedCommandAloneAnswersAsTheWholeTreeDoes(String command) {
    assertThat(
            Ha4jCommandLine.commandsFor(List.of(command), Ha4jCommandLine.allCommands(System.in)))
        .singleElement()
        .satisfies(
            only ->
                assertThat(only.getClass().getAnnotation(CommandLine.Command.class).name())
                    .isEqualTo(command));
    for (List<String> args :
        List.of(
            List.of(command, "--help"),
            List.of(command, "--version"),
            List.of(command, "--no-such-flag"),
            List.of(command, "--relya", "auto"),
            List.of(command, "no-such-argument", "--listen"))) {
      String[] line = args.toArray(String[]::new);
      assertThat(ha4j(line)).as(String.join(" ", args)).isEqualTo(CommandRun.withAllCommands(line));
    }
  }

  @Test
  void argumentsThatNameNoCommandGetTheWholeTree() {
    List<CliCommand> all = Ha4jCommandLine.allCommands(System.in);
    for (List<String> args :
        List.of(List.<String>of(), List.of("help", "proxy"), List.of("--help"), List.of("prox"))) {
      assertThat(Ha4jCommandLine.commandsFor(args, all)).as(args.toString()).isSameAs(all);
    }
    assertThat(ha4j("prox")).isEqualTo(CommandRun.withAllCommands("prox"));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void versionIsTheBuildsOnStdout(String command) {
    CommandRun result = ha4j(command, "--version");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).containsPattern("^ha4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    assertThat(result.out()).doesNotContain("${").doesNotContain("unknown");
    assertThat(ha4j("--version").out()).isEqualTo(result.out());
    assertThat(ha4j("-V").out()).isEqualTo(result.out());
  }

  @Test
  void theCommandListIsHelpOnStdoutOrAUsageErrorOnStderr() {
    CommandRun help = ha4j("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("usage: ha4j", "decode", "check", "demo", "Exit codes:");
    assertThat(ha4j("help").out()).isEqualTo(help.out());
    assertThat(ha4j("help", "check").out()).isEqualTo(ha4j("check", "--help").out());

    CommandRun none = ha4j();
    assertThat(none.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("give a COMMAND").contains("usage: ha4j");
  }

  @Test
  void aMistypedCommandOrFlagIsAUsageErrorNamingTheNearestOne() {
    CommandRun command = ha4j("simulat");
    assertThat(command.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(command.out()).isEmpty();
    assertThat(command.err()).contains("ha4j: unknown command 'simulat' (did you mean simulate");

    CommandRun flag = ha4j("simulate", "--sed", "3");
    assertThat(flag.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(flag.out()).isEmpty();
    assertThat(flag.err())
        .contains("ha4j simulate: unknown flag --sed (did you mean --seed")
        .contains("usage: ha4j simulate");
  }

  @Test
  void exitCodesAreZeroOneTwo() {
    assertThat(ha4j("decode", SEED_MASTER).exit()).isEqualTo(Ha4jCommandLine.EXIT_OK);
    assertThat(ha4j("decode", "--auth-pass", "2222", SEED_MASTER).exit())
        .isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    CommandRun usage = ha4j("decode", "--advert-int", "soon", SEED_MASTER);
    assertThat(usage.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(usage.out()).isEmpty();
    assertThat(usage.err()).contains("--advert-int must be nginx time");
  }

  @Test
  void durationsAreWrittenAsNginxWritesThemOrAsPlainSeconds() {
    CliTypes.DurationConverter durations = new CliTypes.DurationConverter();
    assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(durations.convert("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(durations.convert("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(durations.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(durations.convert("2")).isEqualTo(Duration.ofSeconds(2));
    assertThat(durations.convert("0.5")).isEqualTo(Duration.ofMillis(500));
    for (String bad : List.of("", "5x", "-1", "1.5s", "١s")) {
      assertThatThrownBy(() -> durations.convert(bad))
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessageContaining("must be nginx time");
    }
    // the same value in each of its forms, on a command that checks it
    for (String oneSecond : List.of("1", "1s", "1000ms")) {
      assertThat(ha4j("decode", "--advert-int", oneSecond, SEED_MASTER).exit()).isZero();
    }
    assertThat(ha4j("decode", "--advert-int", "1m", SEED_MASTER).exit())
        .as("a valid interval the packet does not carry")
        .isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    CommandRun fraction = ha4j("decode", "--advert-int", "500ms", SEED_MASTER);
    assertThat(fraction.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(fraction.err()).contains("--advert-int must be whole seconds 1-255");
    CommandRun range = ha4j("run", "--keepalived", "k", "--nginx", "n", "--drain-timeout", "2h");
    assertThat(range.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
  }

  @Test
  void theOldDecodeSpellingStillWorksButIsNotAdvertised() {
    assertThat(ha4j("decode", "--adver-int", "1", SEED_MASTER).exit()).isZero();
    assertThat(ha4j("decode", "--adver-int", "3", SEED_MASTER).exit())
        .isEqualTo(Ha4jCommandLine.EXIT_FAILURE);
    assertThat(ha4j("decode", "--help").out())
        .contains("--advert-int")
        .doesNotContain("--adver-int");
  }

  @Test
  void aBarePortListensOnTheIpv4WildcardAsNginxListenDoes() {
    CliTypes.ListenConverter listen = new CliTypes.ListenConverter();
    assertThat(listen.convert("8080")).isEqualTo("0.0.0.0:8080");
    assertThat(listen.convert("*:8080")).isEqualTo("0.0.0.0:8080");
    assertThat(listen.convert("127.0.0.1:8080")).isEqualTo("127.0.0.1:8080");
    for (String bad : List.of("0", "65536", "*:99999")) {
      assertThatThrownBy(() -> listen.convert(bad))
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessageContaining("PORT (1-65535)");
    }
    CommandRun refused = ha4j("proxy", "--listen", "70000", "--upstream", "127.0.0.1:1");
    assertThat(refused.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(refused.err()).contains("--listen must be PORT (1-65535)");
  }

  @Test
  void aFlagGivenTwiceOrWithoutItsValueIsNamed() {
    CommandRun twice = ha4j("simulate", "--seed", "1", "--seed", "2");
    assertThat(twice.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(twice.err()).contains("--seed given more than once");
    CommandRun missing = ha4j("decode", "--auth-pass");
    assertThat(missing.exit()).isEqualTo(Ha4jCommandLine.EXIT_USAGE);
    assertThat(missing.err()).contains("--auth-pass needs a value");
  }
}
