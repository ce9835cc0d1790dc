package org.ha4j.core.config;

import java.util.Objects;

/**
 * One thing wrong (or worth a warning) in a configuration file, with where and which keyword.
 *
 * @param severity an error stops the file from loading; a warning is printed and the file loads,
 *     for keywords the original tool would also accept without effect
 * @param location file and line
 * @param keyword the keyword the problem is about ("" for pure syntax problems)
 * @param message what is wrong and, where it helps, what would be accepted
 *     <p>The keyword is quoted as {@link ConfigText#echo} shows a token, and a message longer than
 *     {@value #MAX_MESSAGE_CHARS} characters loses its middle: whatever a loader quotes from a
 *     hostile file, a problem stays a line a person can read (the start says what is wrong, the end
 *     what is allowed).
 */
public record ConfigProblem(
    Severity severity, ConfigLocation location, String keyword, String message) {

  public enum Severity {
    ERROR,
    WARNING
  }

  static final int MAX_MESSAGE_CHARS = 480;
  private static final int KEPT_HEAD = 320;
  private static final int KEPT_TAIL = 120;

  public ConfigProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(location, "location");
    keyword = ConfigText.echo(Objects.requireNonNull(keyword, "keyword"));
    message = shortened(Objects.requireNonNull(message, "message"));
  }

  private static String shortened(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int head = Character.isHighSurrogate(message.charAt(KEPT_HEAD - 1)) ? KEPT_HEAD - 1 : KEPT_HEAD;
    int tail = message.length() - KEPT_TAIL;
    tail = Character.isLowSurrogate(message.charAt(tail)) ? tail + 1 : tail;
    return message.substring(0, head)
        + "…("
        + (tail - head)
        + " characters left out)…"
        + message.substring(tail);
  }

  public static ConfigProblem error(ConfigStatement statement, String message) {
    return new ConfigProblem(Severity.ERROR, statement.location(), statement.keyword(), message);
  }

  public static ConfigProblem warning(ConfigStatement statement, String message) {
    return new ConfigProblem(Severity.WARNING, statement.location(), statement.keyword(), message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line: error: 'keyword' message}, the shape compilers and nginx -t use. */
  @Override
  public String toString() {
    String what = keyword.isEmpty() ? "" : "'" + keyword + "' ";
    return location
        + ": "
        + severity.name().toLowerCase(java.util.Locale.ROOT)
        + ": "
        + what
        + message;
  }
}
