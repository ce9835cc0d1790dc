package org.ha4j.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.config.ConfigText;

/**
 * A small GNU-style flag parser: {@code --name value}, {@code --name=value}, {@code --switch},
 * repeatable flags, and positional arguments. Every flag must be declared, so a typo is a usage
 * error, not ignored.
 */
final class Flags {

  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Flags() {}

  /**
   * @param withValue flags that take a value (without the leading dashes)
   * @param switches flags that take none
   */
  static Flags parse(List<String> args, Set<String> withValue, Set<String> switches)
      throws UsageException {
    Flags flags = new Flags();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        flags.positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        flags.positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String inlineValue = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        inlineValue = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (switches.contains(name)) {
        if (inlineValue != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (withValue.contains(name)) {
        String value = inlineValue;
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args.get(++i);
        }
        flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown flag --" + name);
      }
    }
    return flags;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of a flag given at most once. */
  Optional<String> single(String name) throws UsageException {
    List<String> given = values.getOrDefault(name, List.of());
    if (given.size() > 1) {
      throw new UsageException("--" + name + " given more than once");
    }
    return given.stream().findFirst();
  }

  String required(String name) throws UsageException {
    return single(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  List<String> all(String name) {
    return List.copyOf(values.getOrDefault(name, List.of()));
  }

  int intValue(String name, int defaultValue, int min, int max) throws UsageException {
    Optional<String> text = single(name);
    if (text.isEmpty()) {
      return defaultValue;
    }
    int value;
    try {
      value = ConfigNumbers.parseInt(text.get(), Integer.MIN_VALUE, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--" + name + " must be a whole number, got '" + ConfigText.echo(text.get()) + "'");
    }
    if (value < min || value > max) {
      throw new UsageException("--" + name + " must be " + min + "-" + max + ", got " + value);
    }
    return value;
  }

  List<String> positional() {
    return List.copyOf(positional);
  }
}
