package org.ha4j.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How one tool's {@code include} behaves: which statements include, where a relative path starts,
 * and what the tool makes of a pattern that finds nothing or a file it will not read. {@link
 * ConfigIncludes} does the reading, globbing and bookkeeping; a loader supplies these rules.
 *
 * <p>Implementations report to the {@link ConfigProblems} they are given, at the include statement,
 * and must not throw.
 */
public interface IncludeRules {

  /** Why an include found no file to read. */
  enum NoMatch {
    /** a directory or file the pattern names literally does not exist, and nothing else matched */
    MISSING,
    /** the pattern has wildcards and nothing matched them */
    NO_WILDCARD_MATCH,
    /** some files were found, but a literally named path (a brace alternative, say) was missing */
    SOME_MISSING
  }

  /** What a match is, for the tools that read only some kinds of file. */
  enum FileKind {
    REGULAR,
    /** a regular file with an execute bit set (keepalived will not read it) */
    EXECUTABLE,
    DIRECTORY,
    /** a device, FIFO or socket */
    SPECIAL
  }

  /**
   * Whether includes inside {@code block} are followed. A loader that skips a block whole need not
   * read, or find, the files included only there.
   */
  default boolean expandsInside(ConfigStatement block) {
    return true;
  }

  /** Whether {@code statement} is an include (in any of the tool's spellings). */
  boolean isInclude(ConfigStatement statement);

  /**
   * The path pattern {@code include} names, or empty after reporting a malformed include (a missing
   * path, extra words, a block).
   */
  Optional<String> pattern(ConfigStatement include, ConfigProblems problems);

  /**
   * The directory a relative pattern starts from, given the file holding the include and the main
   * file the loader was asked to read.
   */
  Path relativeTo(Path includingFile, Path mainFile);

  /** Whether {@code {a,b}} in a pattern means either (glob's {@code GLOB_BRACE}). */
  boolean braces();

  /** Reports, as the tool would, that {@code include} found nothing (or not everything) to read. */
  void noMatch(ConfigStatement include, String pattern, NoMatch why, ConfigProblems problems);

  /**
   * Whether a match of {@code kind} is read; when it is not, the rules report it. A {@link
   * FileKind#DIRECTORY} or {@link FileKind#SPECIAL} match is never read, whatever this returns.
   */
  boolean reads(ConfigStatement include, Path match, FileKind kind, ConfigProblems problems);
}
