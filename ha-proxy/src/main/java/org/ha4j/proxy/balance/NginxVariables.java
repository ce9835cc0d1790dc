package org.ha4j.proxy.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * nginx's variable syntax, shared by {@code log_format} templates and {@code hash} keys: {@code
 * $name} (letters, digits, underscore) or {@code ${name}} when a letter follows directly,
 * everything else literal text.
 */
public final class NginxVariables {

  private NginxVariables() {}

  /**
   * Splits {@code template} into literal {@code String}s and the variables {@code lookup} returns
   * for each name, in order, adjacent literals joined.
   *
   * @param what the template as the user wrote it, with its kind, for errors (e.g. "log_format
   *     '...'")
   * @param lookup maps a variable name to its value; throws IllegalArgumentException for an unknown
   *     one
   * @throws IllegalArgumentException for an unterminated <code>${</code>, or whatever {@code
   *     lookup} throws
   */
  public static List<Object> split(String template, String what, Function<String, Object> lookup) {
    Objects.requireNonNull(template, "template");
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        literal.append(c);
        i++;
        continue;
      }
      int start = i + 1;
      int end;
      String name;
      if (start < template.length() && template.charAt(start) == '{') {
        end = template.indexOf('}', start);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ${ in " + what);
        }
        name = template.substring(start + 1, end);
        end++;
      } else {
        end = start;
        while (end < template.length()
            && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) {
          end++;
        }
        name = template.substring(start, end);
      }
      Object variable = lookup.apply(name);
      if (literal.length() > 0) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(variable);
      i = end;
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return List.copyOf(parts);
  }
}
