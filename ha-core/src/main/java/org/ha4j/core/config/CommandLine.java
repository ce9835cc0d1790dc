package org.ha4j.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script line into arguments the way keepalived does for {@code script "<cmd args>"}:
 * words separated by blanks, no shell. Single quotes keep everything literally; double quotes keep
 * blanks and honour {@code \"} and {@code \\}; outside quotes a backslash escapes the next
 * character. There is no expansion of variables or globs: write {@code sh -c '...'} for a pipeline.
 */
public final class CommandLine {

  private CommandLine() {}

  /**
   * @throws IllegalArgumentException for an empty line or an unterminated quote, naming the
   *     position
   */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' at position " + i + " in: " + line);
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (j < line.length() && line.charAt(j) != '"') {
          char d = line.charAt(j);
          if (d == '\\'
              && j + 1 < line.length()
              && (line.charAt(j + 1) == '"' || line.charAt(j + 1) == '\\')) {
            word.append(line.charAt(j + 1));
            j += 2;
          } else {
            word.append(d);
            j++;
          }
        }
        if (j >= line.length()) {
          throw new IllegalArgumentException("unterminated \" at position " + i + " in: " + line);
        }
        inWord = true;
        i = j + 1;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("empty command line");
    }
    return words;
  }
}
