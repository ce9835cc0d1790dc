package org.ha4j.examples.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the README's embedding examples: a {@code java} block after the {@code <!--
 * embedding-snippet -->} marker.
 */
public record ReadmeSnippet(String packageName, String className, String source) {

  public static final Path README = Path.of("../README.md");
  private static final String MARKER = "<!-- embedding-snippet -->";
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");

  /** Every {@code java} block after the marker, in README order; each must be a complete file. */
  public static List<ReadmeSnippet> readAll() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int marker = readme.indexOf(MARKER);
    if (marker < 0) {
      throw new AssertionError("README.md has no " + MARKER + " marker");
    }
    List<ReadmeSnippet> snippets = new ArrayList<>();
    int open;
    for (int from = marker; (open = readme.indexOf("```java\n", from)) >= 0; ) {
      int close = readme.indexOf("\n```", open);
      if (close < 0) {
        throw new AssertionError(
            "README.md: the ```java block at offset " + open + " is never closed");
      }
      String source = readme.substring(open + "```java\n".length(), close + 1);
      snippets.add(
          new ReadmeSnippet(
              group(PACKAGE, source, "a package declaration"),
              group(CLASS, source, "a public class"),
              source));
      from = close + "\n```".length();
    }
    if (snippets.isEmpty()) {
      throw new AssertionError("README.md has no ```java block after " + MARKER);
    }
    return snippets;
  }

  /** Where the source goes under a source root, as javac and Maven expect it. */
  public Path relativePath() {
    return Path.of(packageName.replace('.', '/'), className + ".java");
  }

  public String qualifiedClassName() {
    return packageName + "." + className;
  }

  private static String group(Pattern pattern, String source, String what) {
    Matcher m = pattern.matcher(source);
    if (!m.find()) {
      throw new AssertionError(
          "a README embedding example is not a complete file: it has no " + what + ":\n" + source);
    }
    return m.group(1);
  }
}
