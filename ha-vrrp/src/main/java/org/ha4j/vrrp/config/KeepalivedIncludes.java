package org.ha4j.vrrp.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.config.IncludeRules;

/**
 * keepalived 2.2's {@code include} (lib/parser.c): the rest of the line is a glob pattern, braces
 * included (the parser hands it over as one argument); a relative pattern starts in the directory
 * of the file that holds it (keepalived changes into that directory while it reads the file);
 * matches are read in sorted order, skipping directories and files with an execute bit.
 *
 * <p>What keepalived does when a pattern finds nothing depends on the spelling. Plain {@code
 * include} only logs a missing file, and ha4j warns of it: a file named outright that is not there
 * is a part of the configuration that is not running. A wildcard that matches nothing is an empty
 * {@code conf.d}, which keepalived, nginx and ha4j all take in silence. The stricter spellings make
 * these errors: {@code includer} a match it cannot read (a directory, an executable), {@code
 * includem} also a missing file, {@code includew} also a wildcard matching nothing, {@code
 * includeb} a missing brace alternative, {@code includea} all of them.
 */
final class KeepalivedIncludes implements IncludeRules {

  private static final int READ = 1;
  private static final int MATCH = 2;
  private static final int WILDCARD_MATCH = 4;
  private static final int BRACE_MATCH = 8;

  /** keepalived's spellings of include, with the checks each makes errors. */
  private static final Map<String, Integer> CHECKS =
      Map.of(
          "include", 0,
          "includer", READ,
          "includem", READ | MATCH,
          "includew", READ | MATCH | WILDCARD_MATCH,
          "includeb", READ | BRACE_MATCH,
          "includea", READ | MATCH | WILDCARD_MATCH | BRACE_MATCH);

  @Override
  public boolean isInclude(ConfigStatement statement) {
    return CHECKS.containsKey(statement.keyword());
  }

  @Override
  public Optional<String> pattern(ConfigStatement include, ConfigProblems problems) {
    if (include.args().isEmpty()) {
      problems.error(include, "needs a file name or glob pattern");
      return Optional.empty();
    }
    return Optional.of(String.join(" ", include.args()));
  }

  @Override
  public Path relativeTo(Path includingFile, Path mainFile) {
    Path directory = includingFile.getParent();
    return directory == null ? Path.of("") : directory;
  }

  @Override
  public boolean braces() {
    return true;
  }

  @Override
  public void noMatch(
      ConfigStatement include, String pattern, NoMatch why, ConfigProblems problems) {
    switch (why) {
      case MISSING ->
          report(
              include,
              MATCH,
              "config files missing '" + pattern + "'",
              "includem makes this an error",
              problems);
      case NO_WILDCARD_MATCH -> {
        if ((CHECKS.get(include.keyword()) & WILDCARD_MATCH) != 0) {
          problems.error(include, "no config files matched '" + pattern + "'");
        }
      }
      case SOME_MISSING ->
          report(
              include,
              BRACE_MATCH,
              "some config files missing: '" + pattern + "'",
              "includeb makes this an error",
              problems);
    }
  }

  @Override
  public boolean reads(
      ConfigStatement include, Path match, FileKind kind, ConfigProblems problems) {
    String what =
        switch (kind) {
          case REGULAR -> null;
          case EXECUTABLE -> "is executable";
          case DIRECTORY -> "is a directory";
          case SPECIAL -> "is not a regular file";
        };
    if (what == null) {
      return true;
    }
    report(
        include,
        READ,
        "configuration file '"
            + match
            + "' "
            + what
            + ": keepalived reads only regular, non-executable files",
        "includer makes this an error",
        problems);
    return false;
  }

  /** An error when the spelling checks {@code check}, otherwise a warning that it was skipped. */
  private static void report(
      ConfigStatement include, int check, String what, String stricter, ConfigProblems problems) {
    if ((CHECKS.get(include.keyword()) & check) != 0) {
      problems.error(include, what);
    } else {
      problems.warning(include, what + "; skipped, as keepalived skips it (" + stricter + ")");
    }
  }
}
