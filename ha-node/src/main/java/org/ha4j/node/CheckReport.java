package org.ha4j.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link HaNode#check} found, as {@code ./ha4j check} prints it: per file {@code FILE: ok
 * (...)} with what was understood, or {@code FILE: FAILED (...)}; every problem as {@code
 * file:line: error|warning: ...}; a warning for a directive ha4j ignores says what the directive
 * would have done; then the refusals a node would add, and notes on the {@code vrrp_script}s.
 *
 * @param entries in the order they are printed
 */
public record CheckReport(List<Entry> entries) {

  /** What a line of the report is: the summary, or a problem. */
  public enum Kind {
    /** What was understood, and headings. */
    SUMMARY,
    /** A problem a node runs with; an error under {@code check --strict}. */
    WARNING,
    /** A problem a node refuses to run with. */
    ERROR
  }

  /**
   * One line of the report.
   *
   * @param text the line as printed, indented under its file
   * @param explanation for a directive ha4j skips or ignores, what it does in keepalived or nginx;
   *     empty otherwise
   */
  public record Entry(Kind kind, String text, String explanation) {
    public Entry {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(explanation, "explanation");
    }

    /** The line, then its explanation indented under it when there is one. */
    public List<String> lines() {
      return explanation.isEmpty()
          ? List.of(text)
          : List.of(
              text,
              text.substring(0, text.length() - text.stripLeading().length()) + "  " + explanation);
    }
  }

  public CheckReport {
    entries = List.copyOf(entries);
  }

  /** Every line, as {@code ./ha4j check} prints them with both streams together. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    entries.forEach(entry -> lines.addAll(entry.lines()));
    return List.copyOf(lines);
  }

  public long count(Kind kind) {
    return entries.stream().filter(entry -> entry.kind() == kind).count();
  }

  /** Every file loaded and a node would take them. */
  public boolean passed() {
    return count(Kind.ERROR) == 0;
  }

  /** {@code check --strict}: {@link #passed} and not one warning either. */
  public boolean passedStrictly() {
    return passed() && count(Kind.WARNING) == 0;
  }
}
