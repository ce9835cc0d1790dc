package org.ha4j.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement of a brace-block configuration file: a keyword, its arguments and, for a block, the
 * statements inside it. {@code listen 8080;} is a keyword with one argument; {@code upstream tomcat
 * { ... }} is a keyword with one argument and a block.
 *
 * @param keyword the first word
 * @param args the words after it, quotes removed
 * @param block the statements between braces, or empty when the statement has no block
 * @param hasBlock whether braces followed (an empty block {@code {}} still counts)
 * @param location where the keyword stands
 */
public record ConfigStatement(
    String keyword,
    List<String> args,
    List<ConfigStatement> block,
    boolean hasBlock,
    ConfigLocation location) {

  public ConfigStatement {
    Objects.requireNonNull(keyword, "keyword");
    args = List.copyOf(args);
    block = List.copyOf(block);
    Objects.requireNonNull(location, "location");
  }

  /** The argument at {@code index}, if present. */
  public Optional<String> arg(int index) {
    return index < args.size() ? Optional.of(args.get(index)) : Optional.empty();
  }

  /** The statements in the block with this keyword. */
  public List<ConfigStatement> children(String childKeyword) {
    return block.stream().filter(s -> s.keyword.equals(childKeyword)).toList();
  }

  @Override
  public String toString() {
    return location
        + " "
        + keyword
        + (args.isEmpty() ? "" : " " + String.join(" ", args))
        + (hasBlock ? " {...}" : "");
  }
}
