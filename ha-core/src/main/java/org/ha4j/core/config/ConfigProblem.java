package org.ha4j.core.config;

import java.util.Objects;

/**
 * One thing wrong (or worth a warning) in a configuration file, with where and which keyword.
 *
 * @param severity an error stops the file from loading; a warning is printed and the file loads, for
 *                 keywords the original tool would also accept without effect
 * @param location file and line
 * @param keyword  the keyword the problem is about ("" for pure syntax problems)
 * @param message  what is wrong and, where it helps, what would be accepted
 */
public record ConfigProblem(Severity severity, ConfigLocation location, String keyword, String message) {

    public enum Severity { ERROR, WARNING }

    public ConfigProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(message, "message");
    }

    public static ConfigProblem error(ConfigStatement statement, String message) {
        return new ConfigProblem(Severity.ERROR, statement.location(), statement.keyword(), message);
    }

    public static ConfigProblem warning(ConfigStatement statement, String message) {
        return new ConfigProblem(Severity.WARNING, statement.location(), statement.keyword(), message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line: error: 'keyword' message}, the shape compilers and nginx -t use. */
    @Override
    public String toString() {
        String what = keyword.isEmpty() ? "" : "'" + keyword + "' ";
        return location + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + what + message;
    }
}
