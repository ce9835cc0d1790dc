package org.ha4j.node;

import java.util.List;

/**
 * What {@link HaNode#check} found, as {@code ./ha4j check} prints it.
 *
 * @param lines per file: {@code FILE: ok (...)} with what was understood and the loader's notes, or
 *     {@code FILE: FAILED (...)} with every problem as {@code file:line: error: ...}; then the
 *     refusals a node would add, and notes on the {@code vrrp_script}s
 * @param passed every file loaded and a node would take them
 */
public record CheckReport(List<String> lines, boolean passed) {

  public CheckReport {
    lines = List.copyOf(lines);
  }
}
