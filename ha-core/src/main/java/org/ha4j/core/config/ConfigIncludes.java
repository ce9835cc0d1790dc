package org.ha4j.core.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ha4j.core.config.BlockConfigParser.Dialect;
import org.ha4j.core.config.IncludeRules.FileKind;
import org.ha4j.core.config.IncludeRules.NoMatch;

/**
 * Replaces every include statement, at any level, with the statements of the files it names, so a
 * loader reads one tree whatever the files it came from. Each statement keeps the file and line it
 * was written at, so every problem found later names the included file.
 *
 * <p>The rules of the tool ({@link IncludeRules}) say which statements include and what a pattern
 * that finds nothing means; what is the same for both tools is here. Each included file is read as
 * the main file is ({@link ConfigFiles#read}: regular files only, at most 16 MiB). An included file
 * counts as one level of nesting, together with the blocks around it, against {@link
 * BlockConfigParser#MAX_DEPTH}; a file that includes itself, directly or through others, is a cycle
 * named at the include (keepalived recurses until it runs out of file descriptors, nginx until its
 * stack overflows); and at most {@value #MAX_FILES} files and {@value #MAX_TOTAL_CHARS} characters
 * are included in all, which also bounds a file that includes another many times over.
 *
 * <p>Not thread-safe: one expansion, one thread.
 */
public final class ConfigIncludes {

  /** Far more than Debian's conf.d directories hold; a limit on hostile fan-out. */
  static final int MAX_FILES = 1024;

  /** Four of the largest files {@link ConfigFiles#read} takes: a bound on memory, not on use. */
  static final long MAX_TOTAL_CHARS = 4L * ConfigFiles.MAX_BYTES;

  private static final Set<PosixFilePermission> EXECUTE =
      Set.of(
          PosixFilePermission.OWNER_EXECUTE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final Dialect dialect;
  private final IncludeRules rules;
  private final ConfigProblems problems;

  /** Files being read, outermost first, as real paths: one seen again is a cycle. */
  private final Deque<Path> reading = new ArrayDeque<>();

  private final List<String> files = new ArrayList<>();
  private Path mainFile;
  private int included;
  private long includedChars;
  private boolean overLimit;

  private ConfigIncludes(Dialect dialect, IncludeRules rules, ConfigProblems problems) {
    this.dialect = dialect;
    this.rules = rules;
    this.problems = problems;
  }

  /** An expansion under {@code rules}, reporting to {@code problems}. */
  public static ConfigIncludes with(Dialect dialect, IncludeRules rules, ConfigProblems problems) {
    return new ConfigIncludes(dialect, rules, problems);
  }

  /**
   * The statements of {@code mainFile}, with each include replaced by what it includes; an include
   * that cannot be followed is reported and left out.
   *
   * @param mainFile the main file's name as the user gave it (relative paths start at its directory
   *     or the including file's, as the rules say)
   * @param top the main file's statements, as {@link BlockConfigParser} read them
   */
  public List<ConfigStatement> expand(String mainFile, List<ConfigStatement> top) {
    this.mainFile = Path.of(mainFile);
    files.add(mainFile);
    reading.push(real(this.mainFile));
    List<ConfigStatement> expanded = expand(top, this.mainFile, 0);
    reading.pop();
    return expanded;
  }

  /** The main file, then every file an include opened (or tried to), in that order. */
  public List<String> files() {
    return List.copyOf(files);
  }

  /** {@code statements} of {@code file}, standing {@code depth} levels deep. */
  private List<ConfigStatement> expand(List<ConfigStatement> statements, Path file, int depth) {
    List<ConfigStatement> out = new ArrayList<>(statements.size());
    for (ConfigStatement statement : statements) {
      if (rules.isInclude(statement)) {
        out.addAll(include(statement, file, depth));
      } else if (statement.hasBlock() && rules.expandsInside(statement)) {
        out.add(
            new ConfigStatement(
                statement.keyword(),
                statement.args(),
                expand(statement.block(), file, depth + 1),
                true,
                statement.location()));
      } else {
        out.add(statement);
      }
    }
    return out;
  }

  private List<ConfigStatement> include(ConfigStatement include, Path file, int depth) {
    Optional<String> named = rules.pattern(include, problems);
    if (named.isEmpty() || overLimit) {
      return List.of();
    }
    String pattern = resolve(named.get(), rules.relativeTo(file, mainFile));
    ConfigGlob.Matches matches;
    try {
      matches = ConfigGlob.expand(pattern, rules.braces());
    } catch (IllegalArgumentException e) {
      problems.error(include, "\"" + named.get() + "\": " + e.getMessage());
      return List.of();
    }
    if (matches.paths().isEmpty()) {
      rules.noMatch(
          include,
          pattern,
          matches.missing() > 0 ? NoMatch.MISSING : NoMatch.NO_WILDCARD_MATCH,
          problems);
      return List.of();
    }
    if (matches.missing() > 0) {
      rules.noMatch(include, pattern, NoMatch.SOME_MISSING, problems);
    }
    List<ConfigStatement> out = new ArrayList<>();
    for (Path match : matches.paths()) {
      FileKind kind = kind(match);
      if (!rules.reads(include, match, kind, problems)
          || kind == FileKind.DIRECTORY
          || kind == FileKind.SPECIAL) {
        continue;
      }
      Optional<List<ConfigStatement>> statements = read(include, match, depth + 1);
      if (overLimit) {
        break;
      }
      statements.ifPresent(out::addAll);
    }
    return out;
  }

  /** The statements of one included file, expanded in turn; empty after reporting why not. */
  private Optional<List<ConfigStatement>> read(ConfigStatement include, Path match, int depth) {
    Path real = real(match);
    if (reading.contains(real)) {
      List<String> chain = new ArrayList<>();
      reading.descendingIterator().forEachRemaining(p -> chain.add(p.toString()));
      chain.add(real.toString());
      problems.error(
          include,
          "include cycle: "
              + match
              + " is already being read ("
              + String.join(" -> ", chain)
              + ")");
      return Optional.empty();
    }
    if (depth > BlockConfigParser.MAX_DEPTH) {
      problems.error(
          include,
          "includes "
              + match
              + " nested deeper than "
              + BlockConfigParser.MAX_DEPTH
              + " levels (blocks and includes counted together)");
      return Optional.empty();
    }
    if (++included > MAX_FILES) {
      overLimit = true;
      problems.error(
          include,
          "more than "
              + MAX_FILES
              + " files included in all (at "
              + match
              + "); not reading further");
      return Optional.empty();
    }
    files.add(match.toString());
    List<ConfigStatement> statements;
    try {
      String text = ConfigFiles.read(match);
      includedChars += text.length();
      if (includedChars > MAX_TOTAL_CHARS) {
        overLimit = true;
        problems.error(
            include,
            "more than "
                + MAX_TOTAL_CHARS
                + " characters included in all (at "
                + match
                + "); not reading further");
        return Optional.empty();
      }
      statements = BlockConfigParser.parse(match.toString(), text, dialect, depth);
    } catch (IOException e) {
      problems.error(include, "cannot read " + match + ": " + reason(e));
      return Optional.empty();
    } catch (ConfigException e) {
      e.problems().forEach(problems::add);
      return Optional.empty();
    }
    reading.push(real);
    try {
      return Optional.of(expand(statements, match, depth));
    } finally {
      reading.pop();
    }
  }

  private static String resolve(String pattern, Path base) {
    if (pattern.startsWith("/") || base.toString().isEmpty()) {
      return pattern;
    }
    String prefix = base.toString();
    return prefix.endsWith("/") ? prefix + pattern : prefix + "/" + pattern;
  }

  /** What stat(2) says a match is, following symbolic links as both tools do. */
  private static FileKind kind(Path match) {
    try {
      PosixFileAttributes attributes = Files.readAttributes(match, PosixFileAttributes.class);
      if (attributes.isDirectory()) {
        return FileKind.DIRECTORY;
      }
      if (!attributes.isRegularFile()) {
        return FileKind.SPECIAL;
      }
      return attributes.permissions().stream().anyMatch(EXECUTE::contains)
          ? FileKind.EXECUTABLE
          : FileKind.REGULAR;
    } catch (IOException | UnsupportedOperationException e) {
      // A dangling link or a file gone since the glob: reading it says why.
      return FileKind.REGULAR;
    }
  }

  private static Path real(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
