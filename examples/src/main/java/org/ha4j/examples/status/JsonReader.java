package org.ha4j.examples.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON of a state document (RFC 8259) into plain values: {@code Map<String, Object>} in
 * document order, {@code List<Object>}, {@code String}, {@code Long} for whole numbers, {@code
 * Double} for the others, {@code Boolean}, and {@code null}. The document comes over the network,
 * so every malformed input is an {@link IllegalArgumentException} naming what was expected and the
 * offset, and nesting is bounded so that a hostile document cannot exhaust the stack.
 */
final class JsonReader {

  /** Far deeper than a state document (three levels) and far shallower than the stack. */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int at;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException the text is not one JSON value, saying where
   */
  static Object parse(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipSpace();
    Object value = reader.value(0);
    reader.skipSpace();
    if (reader.at != text.length()) {
      throw reader.expected("the end of the document");
    }
    return value;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "JSON nested deeper than " + MAX_DEPTH + " at offset " + at);
    }
    if (at >= text.length()) {
      throw expected("a value");
    }
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw expected("a value");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> out = new LinkedHashMap<>();
    at++;
    skipSpace();
    if (peek('}')) {
      at++;
      return out;
    }
    while (true) {
      skipSpace();
      if (!peek('"')) {
        throw expected("a member name in quotes");
      }
      String name = string();
      skipSpace();
      consume(':');
      skipSpace();
      out.put(name, value(depth + 1));
      skipSpace();
      if (peek(',')) {
        at++;
      } else if (peek('}')) {
        at++;
        return out;
      } else {
        throw expected("',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> out = new ArrayList<>();
    at++;
    skipSpace();
    if (peek(']')) {
      at++;
      return out;
    }
    while (true) {
      skipSpace();
      out.add(value(depth + 1));
      skipSpace();
      if (peek(',')) {
        at++;
      } else if (peek(']')) {
        at++;
        return out;
      } else {
        throw expected("',' or ']'");
      }
    }
  }

  private String string() {
    at++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw expected("the closing quote of a string");
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        at--;
        throw expected("no control character inside a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        throw expected("an escape after '\\'");
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw expected("four hex digits after \\u");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at), 16);
            if (digit < 0) {
              throw expected("four hex digits after \\u");
            }
            code = code * 16 + digit;
            at++;
          }
          out.append((char) code);
        }
        default -> {
          at--;
          throw expected("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
        }
      }
    }
  }

  private Object number() {
    int start = at;
    if (peek('-')) {
      at++;
    }
    int digits = digits();
    if (digits == 0) {
      throw expected("a digit");
    }
    boolean whole = true;
    if (peek('.')) {
      at++;
      whole = false;
      if (digits() == 0) {
        throw expected("a digit after '.'");
      }
    }
    if (peek('e') || peek('E')) {
      at++;
      whole = false;
      if (peek('+') || peek('-')) {
        at++;
      }
      if (digits() == 0) {
        throw expected("a digit in the exponent");
      }
    }
    String number = text.substring(start, at);
    if (whole) {
      try {
        return Long.parseLong(number);
      } catch (NumberFormatException tooLong) {
        return Double.parseDouble(number);
      }
    }
    return Double.parseDouble(number);
  }

  private int digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw expected("a value");
    }
    at += word.length();
    return value;
  }

  private void consume(char c) {
    if (!peek(c)) {
      throw expected("'" + c + "'");
    }
    at++;
  }

  private boolean peek(char c) {
    return at < text.length() && text.charAt(at) == c;
  }

  private void skipSpace() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private IllegalArgumentException expected(String what) {
    String found = at >= text.length() ? "the end" : "'" + printable(text.charAt(at)) + "'";
    return new IllegalArgumentException(
        "expected " + what + " at offset " + at + ", found " + found);
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
