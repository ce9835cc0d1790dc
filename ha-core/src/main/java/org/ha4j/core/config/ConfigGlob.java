package org.ha4j.core.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands an include's path pattern into files the way glibc's {@code glob(3)} does for nginx and
 * keepalived: {@code *}, {@code ?} and {@code [...]} (with {@code !} or {@code ^} to negate) within
 * one path component, {@code \} to quote, names starting with a dot matched only by a pattern whose
 * component starts with a dot, and each component's matches in sorted order. keepalived also passes
 * {@code GLOB_BRACE}, so {@code {a,b}} alternatives are expanded when asked.
 *
 * <p>Besides the matches it says what keepalived's include checks look at: whether the pattern had
 * wildcards at all, and whether a directory or file the pattern names literally was missing.
 */
final class ConfigGlob {

  /** More brace alternatives than this is a hostile pattern, not a configuration. */
  static final int MAX_ALTERNATIVES = 1024;

  /**
   * Directory entries one pattern may look at: {@code /*}{@code /*}{@code /*} would otherwise walk
   * the whole file system before a single file is read.
   */
  static final int MAX_ENTRIES = 65_536;

  /**
   * What a pattern matched.
   *
   * @param paths every match, in glob's order (a directory too: the caller decides about it)
   * @param wildcard whether any component had a wildcard
   * @param missing how many literally named directories or files were absent
   */
  record Matches(List<Path> paths, boolean wildcard, int missing) {}

  private final List<Path> paths = new ArrayList<>();
  private final int maxEntries;
  private boolean wildcard;
  private int missing;
  private int entries;

  private ConfigGlob(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /**
   * The matches of {@code pattern}, with {@code {a,b}} alternatives expanded first when {@code
   * braces} is set.
   *
   * @throws IllegalArgumentException when braces expand to more than {@value #MAX_ALTERNATIVES}
   *     patterns, or matching looks at more than {@value #MAX_ENTRIES} directory entries
   */
  static Matches expand(String pattern, boolean braces) {
    return expand(pattern, braces, MAX_ENTRIES);
  }

  static Matches expand(String pattern, boolean braces, int maxEntries) {
    ConfigGlob glob = new ConfigGlob(maxEntries);
    List<String> alternatives = braces ? alternatives(pattern) : List.of(pattern);
    for (String alternative : alternatives) {
      glob.walk(alternative);
    }
    return new Matches(List.copyOf(glob.paths), glob.wildcard, glob.missing);
  }

  /** Whether {@code pattern} has a {@code *}, {@code ?} or {@code [} that is not quoted. */
  static boolean hasWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  private void walk(String pattern) {
    boolean absolute = pattern.startsWith("/");
    List<String> components = new ArrayList<>();
    for (String part : pattern.split("/+")) {
      if (!part.isEmpty()) {
        components.add(part);
      }
    }
    Path start = absolute ? Path.of("/") : null;
    if (components.isEmpty()) {
      if (start != null) {
        paths.add(start);
      }
      return;
    }
    descend(start, components, 0);
  }

  private void descend(Path at, List<String> components, int index) {
    String component = components.get(index);
    boolean last = index == components.size() - 1;
    if (!hasWildcard(component)) {
      Path next = at == null ? Path.of(unquote(component)) : at.resolve(unquote(component));
      if (last) {
        if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
          paths.add(next);
        } else {
          missing++;
        }
      } else {
        descend(next, components, index + 1);
      }
      return;
    }
    wildcard = true;
    Path directory = at == null ? Path.of(".") : at;
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (++this.entries > maxEntries) {
          throw new IllegalArgumentException(
              "the pattern looks at more than " + maxEntries + " directory entries");
        }
        String name = entry.getFileName().toString();
        if (matches(component, name)) {
          names.add(name);
        }
      }
    } catch (IOException | SecurityException e) {
      missing++;
      return;
    }
    names.sort(null);
    for (String name : names) {
      Path next = at == null ? Path.of(name) : at.resolve(name);
      if (last) {
        paths.add(next);
      } else if (Files.isDirectory(next)) {
        descend(next, components, index + 1);
      }
    }
  }

  private static String unquote(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '\\' && i + 1 < literal.length()) {
        c = literal.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Whether {@code name} matches one component's pattern. A leading dot must be matched by a
   * literal dot, as glob(3) requires without {@code GLOB_PERIOD}. {@code *} backtracks only to the
   * last star, so a hostile pattern costs length times length, never more.
   */
  static boolean matches(String pattern, String name) {
    if (name.startsWith(".") && !pattern.startsWith(".") && !pattern.startsWith("\\.")) {
      return false;
    }
    int p = 0;
    int n = 0;
    int starP = -1;
    int starN = -1;
    while (n < name.length()) {
      int step = p < pattern.length() ? matchOne(pattern, p, name.charAt(n)) : -1;
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = ++p;
        starN = n;
      } else if (step > 0) {
        p += step;
        n++;
      } else if (starP >= 0) {
        p = starP;
        n = ++starN;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /**
   * How many pattern characters match {@code c} at {@code p} ({@code ?}, a literal, a quoted
   * character or a bracket expression), or -1 when they do not match; 0 for {@code *}.
   */
  private static int matchOne(String pattern, int p, char c) {
    char first = pattern.charAt(p);
    switch (first) {
      case '*' -> {
        return 0;
      }
      case '?' -> {
        return 1;
      }
      case '\\' -> {
        if (p + 1 < pattern.length()) {
          return pattern.charAt(p + 1) == c ? 2 : -1;
        }
        return c == '\\' ? 1 : -1;
      }
      case '[' -> {
        return bracket(pattern, p, c);
      }
      default -> {
        return first == c ? 1 : -1;
      }
    }
  }

  /** A bracket expression at {@code p}; one without its closing {@code ]} is a literal '['. */
  private static int bracket(String pattern, int p, char c) {
    int i = p + 1;
    boolean negate = i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^');
    if (negate) {
      i++;
    }
    boolean found = false;
    boolean firstInSet = true;
    while (i < pattern.length() && (pattern.charAt(i) != ']' || firstInSet)) {
      firstInSet = false;
      char low = pattern.charAt(i);
      if (low == '\\' && i + 1 < pattern.length()) {
        low = pattern.charAt(++i);
      }
      char high = low;
      if (i + 2 < pattern.length()
          && pattern.charAt(i + 1) == '-'
          && pattern.charAt(i + 2) != ']') {
        high = pattern.charAt(i + 2);
        i += 2;
      }
      if (low <= c && c <= high) {
        found = true;
      }
      i++;
    }
    if (i >= pattern.length()) {
      return c == '[' ? 1 : -1;
    }
    return found != negate ? i - p + 1 : -1;
  }

  /** {@code a{b,c}d} as {@code abd}, {@code acd}; nested braces expand from the outside in. */
  static List<String> alternatives(String pattern) {
    List<String> done = new ArrayList<>();
    List<String> pending = new ArrayList<>(List.of(pattern));
    while (!pending.isEmpty()) {
      String next = pending.remove(pending.size() - 1);
      int open = -1;
      int close = -1;
      int depth = 0;
      List<Integer> commas = new ArrayList<>();
      for (int i = 0; i < next.length() && close < 0; i++) {
        char c = next.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '{') {
          if (depth++ == 0) {
            open = i;
            commas.clear();
          }
        } else if (c == ',' && depth == 1) {
          commas.add(i);
        } else if (c == '}' && depth > 0 && --depth == 0) {
          close = i;
        }
      }
      if (close < 0) {
        done.add(next);
        continue;
      }
      String head = next.substring(0, open);
      String tail = next.substring(close + 1);
      int from = open + 1;
      List<String> parts = new ArrayList<>();
      for (int comma : commas) {
        parts.add(next.substring(from, comma));
        from = comma + 1;
      }
      parts.add(next.substring(from, close));
      for (int i = parts.size() - 1; i >= 0; i--) {
        pending.add(head + parts.get(i) + tail);
      }
      if (done.size() + pending.size() > MAX_ALTERNATIVES) {
        throw new IllegalArgumentException(
            "braces expand to more than " + MAX_ALTERNATIVES + " patterns");
      }
    }
    return done;
  }
}
