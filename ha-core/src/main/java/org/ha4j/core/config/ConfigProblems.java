package org.ha4j.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems a loader finds while it reads a whole file, so one run reports all of them rather
 * than stopping at the first. Not thread-safe: one loader, one file, one thread.
 */
public final class ConfigProblems {

    private final List<ConfigProblem> problems = new ArrayList<>();

    /** Records an error about {@code statement}: the file will not load. */
    public void error(ConfigStatement statement, String message) {
        problems.add(ConfigProblem.error(statement, message));
    }

    /** Records a warning about {@code statement}: the file loads, and the user is told. */
    public void warning(ConfigStatement statement, String message) {
        problems.add(ConfigProblem.warning(statement, message));
    }

    public void add(ConfigProblem problem) {
        problems.add(problem);
    }

    /** How many errors so far; compare before and after reading a block to know whether it failed. */
    public int errorCount() {
        return (int) problems.stream().filter(ConfigProblem::isError).count();
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(ConfigProblem::isError);
    }

    /** Every problem in the order found. */
    public List<ConfigProblem> all() {
        return List.copyOf(problems);
    }

    /** Throws every problem found when there is at least one error. */
    public void throwIfErrors() throws ConfigException {
        if (hasErrors()) {
            throw new ConfigException(problems);
        }
    }
}
