package org.ha4j.node;

import java.util.Iterator;
import java.util.Map;

/**
 * The little JSON the state dump needs: objects, arrays, strings, numbers, booleans and null,
 * written in one pass. Strings are escaped as RFC 8259 requires (quote, backslash, control
 * characters); everything else is passed through as UTF-16 text.
 */
final class Json {

  private final StringBuilder out = new StringBuilder();

  static String string(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A value: a String, Number, Boolean, null, Map (string keys) or Iterable of values. */
  static String value(Object value) {
    Json json = new Json();
    json.write(value);
    return json.out.toString();
  }

  private void write(Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      out.append(string(s));
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        out.append(string(String.valueOf(e.getKey()))).append(':');
        write(e.getValue());
        if (it.hasNext()) {
          out.append(',');
        }
      }
      out.append('}');
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      Iterator<?> it = items.iterator();
      while (it.hasNext()) {
        write(it.next());
        if (it.hasNext()) {
          out.append(',');
        }
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }
}
