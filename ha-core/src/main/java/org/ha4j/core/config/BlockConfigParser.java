package org.ha4j.core.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the brace-block syntax that keepalived.conf and nginx.conf share into {@link
 * ConfigStatement}s, leaving the meaning of each keyword to the loader of that file.
 *
 * <p>The two dialects differ in what ends a statement: nginx ends it with {@code ;}, keepalived
 * with the end of the line. Both use {@code #} comments (keepalived also {@code !}), quoted strings
 * and {@code { }} blocks. Files are read as UTF-8, since the reference deployment's comments are
 * Chinese. Quoted strings keep their content verbatim except for nginx's backslash escapes.
 *
 * <p>Bytes that are not UTF-8 (a comment saved as GBK, say; see {@link ConfigText#decode}) are
 * judged by where they stand. In a comment they are skipped, as both tools skip them. In a quoted
 * string each becomes U+FFFD: quoted text is what people read (log formats, script command lines),
 * and a Java string could not carry the raw bytes onward anyway, since the JVM writes logs and
 * {@code exec} arguments as UTF-8. In a bare word (a keyword, address, number, name or path) they
 * are an error naming the line: such a word is compared or looked up, and a wrong byte there would
 * load a file whose meaning silently differs from the one nginx or keepalived gives it.
 *
 * <p>Blocks nest at most {@value #MAX_DEPTH} deep. Neither tool sets a number, but neither grammar
 * goes beyond a handful of levels (keepalived's deepest is {@code virtual_server { real_server {
 * HTTP_GET { url { } } } }}, nginx's nested {@code location}s rarely pass five); the limit keeps a
 * hostile file of thousands of opening braces from exhausting the thread's stack in this recursive
 * reader.
 */
public final class BlockConfigParser {

  /** Which tool's rules to follow. */
  public enum Dialect {
    /**
     * Statements end at a newline; {@code #} and {@code !} start comments; {@code "..."} quotes.
     */
    KEEPALIVED,
    /**
     * Statements end with {@code ;}; {@code #} starts comments; {@code "..."} and {@code '...'}
     * quote.
     */
    NGINX
  }

  static final int MAX_DEPTH = 64;

  /** keepalived's spellings of include, each read as a whole line (see {@link #includeLine}). */
  private static final Set<String> KEEPALIVED_INCLUDES =
      Set.of("include", "includer", "includem", "includew", "includeb", "includea");

  private final Dialect dialect;
  private final String fileName;
  private final String text;
  private int position;
  private int line = 1;

  private BlockConfigParser(Dialect dialect, String fileName, String text) {
    this.dialect = dialect;
    this.fileName = fileName;
    this.text = text;
  }

  /**
   * Parses a file, read through {@link ConfigFiles#read} (bounded, lenient about bytes that are not
   * UTF-8); its name as given appears in every location.
   */
  public static List<ConfigStatement> parse(Path file, Dialect dialect)
      throws IOException, ConfigException {
    return parse(file.toString(), ConfigFiles.read(file), dialect);
  }

  /**
   * Parses text; {@code fileName} labels the locations. Text from {@link ConfigText#decode} may
   * carry markers for bytes that were not UTF-8; they are judged as the class comment says.
   */
  public static List<ConfigStatement> parse(String fileName, String text, Dialect dialect)
      throws ConfigException {
    return parse(fileName, text, dialect, 0);
  }

  /**
   * As {@link #parse(String, String, Dialect)} for text that stands {@code depth} levels deep
   * already (an included file counts the blocks and includes around it against {@link #MAX_DEPTH}).
   */
  static List<ConfigStatement> parse(String fileName, String text, Dialect dialect, int depth)
      throws ConfigException {
    BlockConfigParser parser =
        new BlockConfigParser(
            dialect, fileName, text.startsWith("\uFEFF") ? text.substring(1) : text);
    return parser.statements(null, depth);
  }

  /**
   * Reads statements until end of input (top level) or the closing brace of {@code opener}, which
   * is {@code depth} blocks deep.
   */
  private List<ConfigStatement> statements(ConfigLocation opener, int depth)
      throws ConfigException {
    List<ConfigStatement> statements = new ArrayList<>();
    while (true) {
      Token token = next();
      switch (token.kind) {
        case END -> {
          if (opener != null) {
            throw syntax(opener, "block opened here is never closed with '}'");
          }
          return statements;
        }
        case CLOSE -> {
          if (opener == null) {
            throw syntax(token.location, "unexpected '}' with no block open");
          }
          return statements;
        }
        case NEWLINE, SEMICOLON -> {
          // empty statement
        }
        case OPEN -> throw syntax(token.location, "'{' without a keyword before it");
        case WORD -> statements.add(statement(token, depth));
        default -> throw new AssertionError(token.kind);
      }
    }
  }

  private ConfigStatement statement(Token keyword, int depth) throws ConfigException {
    if (dialect == Dialect.KEEPALIVED && KEEPALIVED_INCLUDES.contains(keyword.text)) {
      return includeLine(keyword);
    }
    List<String> args = new ArrayList<>();
    while (true) {
      Token token = next();
      switch (token.kind) {
        case WORD -> args.add(token.text);
        case OPEN -> {
          if (depth == MAX_DEPTH) {
            throw new ConfigException(
                new ConfigProblem(
                    ConfigProblem.Severity.ERROR,
                    token.location,
                    keyword.text,
                    "opens a block nested deeper than " + MAX_DEPTH + " levels"));
          }
          List<ConfigStatement> block = statements(token.location, depth + 1);
          return new ConfigStatement(keyword.text, args, block, true, keyword.location);
        }
        case SEMICOLON -> {
          if (dialect == Dialect.KEEPALIVED) {
            args.add(";");
            continue;
          }
          return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
        }
        case NEWLINE -> {
          if (dialect == Dialect.KEEPALIVED) {
            return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
          }
          // nginx statements may span lines
        }
        case CLOSE -> {
          if (dialect == Dialect.KEEPALIVED) {
            // keepalived allows "virtual_ipaddress { 10.0.0.1 }" on one line
            position--;
            return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
          }
          throw syntax(
              token.location,
              "'" + ConfigText.echo(keyword.text) + "' is missing its terminating ';'");
        }
        case END -> {
          if (dialect == Dialect.KEEPALIVED) {
            return new ConfigStatement(keyword.text, args, List.of(), false, keyword.location);
          }
          throw syntax(
              keyword.location,
              "'" + ConfigText.echo(keyword.text) + "' is missing its terminating ';'");
        }
        default -> throw new AssertionError(token.kind);
      }
    }
  }

  private enum Kind {
    WORD,
    OPEN,
    CLOSE,
    SEMICOLON,
    NEWLINE,
    END
  }

  private record Token(Kind kind, String text, ConfigLocation location) {}

  private Token next() throws ConfigException {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c == '\n') {
        Token token = new Token(Kind.NEWLINE, "\n", here());
        position++;
        line++;
        return token;
      }
      if (Character.isWhitespace(c)) {
        position++;
      } else if (c == '#' || (c == '!' && dialect == Dialect.KEEPALIVED)) {
        while (position < text.length() && text.charAt(position) != '\n') {
          position++;
        }
      } else {
        break;
      }
    }
    if (position >= text.length()) {
      return new Token(Kind.END, "", here());
    }
    ConfigLocation at = here();
    char c = text.charAt(position);
    switch (c) {
      case '{':
        position++;
        return new Token(Kind.OPEN, "{", at);
      case '}':
        position++;
        return new Token(Kind.CLOSE, "}", at);
      case ';':
        position++;
        return new Token(Kind.SEMICOLON, ";", at);
      case '"':
        return new Token(Kind.WORD, quoted('"', at), at);
      case '\'':
        if (dialect == Dialect.NGINX) {
          return new Token(Kind.WORD, quoted('\'', at), at);
        }
        break;
      default:
        break;
    }
    int start = position;
    int firstUndecodable = -1;
    while (position < text.length()) {
      char d = text.charAt(position);
      if (Character.isWhitespace(d)
          || d == '{'
          || d == '}'
          || d == ';'
          || (d == '#' && dialect == Dialect.KEEPALIVED)) {
        break;
      }
      if (firstUndecodable < 0 && ConfigText.isUndecodable(d)) {
        firstUndecodable = position;
      }
      position++;
    }
    String word = text.substring(start, position);
    if (firstUndecodable >= 0) {
      throw syntax(
          at,
          String.format(
              "byte 0x%02X in '%s' is not UTF-8: ha4j reads config files as UTF-8 "
                  + "and accepts other encodings only in comments and quoted strings; save the file as UTF-8",
              ConfigText.undecodableByte(text.charAt(firstUndecodable)), ConfigText.echo(word)));
    }
    return new Token(Kind.WORD, word, at);
  }

  /**
   * keepalived takes an include line before splitting it into words (lib/parser.c, check_include):
   * the rest of the line, up to a comment, is one glob pattern, and its braces are {@code
   * GLOB_BRACE} alternatives, not a block.
   */
  private ConfigStatement includeLine(Token keyword) throws ConfigException {
    int start = position;
    while (position < text.length()
        && text.charAt(position) != '\n'
        && text.charAt(position) != '#'
        && text.charAt(position) != '!') {
      position++;
    }
    String pattern = text.substring(start, position).strip();
    for (int i = 0; i < pattern.length(); i++) {
      if (ConfigText.isUndecodable(pattern.charAt(i))) {
        throw syntax(
            keyword.location,
            String.format(
                "byte 0x%02X in '%s' is not UTF-8: save the file as UTF-8",
                ConfigText.undecodableByte(pattern.charAt(i)), ConfigText.echo(pattern)));
      }
    }
    return new ConfigStatement(
        keyword.text,
        pattern.isEmpty() ? List.of() : List.of(pattern),
        List.of(),
        false,
        keyword.location);
  }

  private String quoted(char quote, ConfigLocation at) throws ConfigException {
    StringBuilder value = new StringBuilder();
    position++;
    while (position < text.length()) {
      char c = text.charAt(position++);
      if (c == quote) {
        return value.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (ConfigText.isUndecodable(c)) {
        value.append('\uFFFD');
        continue;
      }
      if (c == '\\' && dialect == Dialect.NGINX && position < text.length()) {
        char escaped = text.charAt(position++);
        switch (escaped) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'r' -> value.append('\r');
          case '\n' -> {
            line++;
            value.append(escaped);
          }
          default -> value.append(ConfigText.isUndecodable(escaped) ? '\uFFFD' : escaped);
        }
        continue;
      }
      value.append(c);
    }
    throw syntax(at, "unterminated quoted string (missing closing " + quote + ")");
  }

  private ConfigLocation here() {
    return new ConfigLocation(fileName, line);
  }

  private static ConfigException syntax(ConfigLocation at, String message) {
    return new ConfigException(new ConfigProblem(ConfigProblem.Severity.ERROR, at, "", message));
  }
}
