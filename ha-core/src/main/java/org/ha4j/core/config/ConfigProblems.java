package org.ha4j.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems a loader finds while it reads a whole file, so one run reports all of them
 * rather than stopping at the first. Not thread-safe: one loader, one file, one thread.
 *
 * <p>The first {@value #MAX_KEPT} problems are kept; the rest are counted and summed up in one last
 * problem, so a file of a million bad lines gives a report a person reads, in bounded memory.
 */
public final class ConfigProblems {

  static final int MAX_KEPT = 100;

  private final List<ConfigProblem> problems = new ArrayList<>();
  private long leftOut;
  private long errorsLeftOut;
  private ConfigLocation firstLeftOut;

  /** An empty collection, for one loader reading one file. */
  public ConfigProblems() {}

  /** Records an error about {@code statement}: the file will not load. */
  public void error(ConfigStatement statement, String message) {
    add(ConfigProblem.error(statement, message));
  }

  /** Records a warning about {@code statement}: the file loads, and the user is told. */
  public void warning(ConfigStatement statement, String message) {
    add(ConfigProblem.warning(statement, message));
  }

  public void add(ConfigProblem problem) {
    if (problems.size() < MAX_KEPT) {
      problems.add(problem);
      return;
    }
    if (leftOut == 0) {
      firstLeftOut = problem.location();
    }
    leftOut++;
    if (problem.isError()) {
      errorsLeftOut++;
    }
  }

  /** How many errors so far; compare before and after reading a block to know whether it failed. */
  public int errorCount() {
    long kept = problems.stream().filter(ConfigProblem::isError).count();
    return (int) Math.min(Integer.MAX_VALUE, kept + errorsLeftOut);
  }

  public boolean hasErrors() {
    return errorCount() > 0;
  }

  /** Every problem in the order found (past {@value #MAX_KEPT}, one problem counting the rest). */
  public List<ConfigProblem> all() {
    if (leftOut == 0) {
      return List.copyOf(problems);
    }
    List<ConfigProblem> all = new ArrayList<>(problems);
    all.add(
        new ConfigProblem(
            errorsLeftOut > 0 ? ConfigProblem.Severity.ERROR : ConfigProblem.Severity.WARNING,
            firstLeftOut,
            "",
            leftOut
                + " more problems from here on not shown ("
                + errorsLeftOut
                + " of them errors); fix the ones above first"));
    return all;
  }

  /** Throws every problem found when there is at least one error. */
  public void throwIfErrors() throws ConfigException {
    if (hasErrors()) {
      throw new ConfigException(all());
    }
  }
}
