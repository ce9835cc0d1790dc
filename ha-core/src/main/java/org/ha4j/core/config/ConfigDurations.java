package org.ha4j.core.config;

import java.time.Duration;

/**
 * Durations as the tools users come from write them.
 *
 * <ul>
 *   <li>nginx: a number with an optional unit, several parts allowed ({@code 500ms}, {@code 10s},
 *       {@code 1h 30m}); units {@code ms s m h d w M y}; a bare number means seconds.</li>
 *   <li>keepalived: a decimal number of seconds ({@code 1}, {@code 0.5}, {@code 2.25}).</li>
 * </ul>
 * Both reject negative values and report the offending text.
 */
public final class ConfigDurations {

    private ConfigDurations() {
    }

    /** Parses nginx time syntax (see nginx's "Syntax" documentation page). */
    public static Duration parseNginx(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw invalid(text, "empty");
        }
        Duration total = Duration.ZERO;
        int i = 0;
        int length = trimmed.length();
        while (i < length) {
            while (i < length && trimmed.charAt(i) == ' ') {
                i++;
            }
            int digitsStart = i;
            while (i < length && Character.isDigit(trimmed.charAt(i))) {
                i++;
            }
            if (i == digitsStart) {
                throw invalid(text, "expected a number at position " + digitsStart);
            }
            if (i - digitsStart > 12) {
                throw invalid(text, "number too large");
            }
            long amount = Long.parseLong(trimmed, digitsStart, i, 10);
            int unitStart = i;
            while (i < length && Character.isLetter(trimmed.charAt(i))) {
                i++;
            }
            total = total.plus(ofUnit(amount, trimmed.substring(unitStart, i), text));
        }
        return total;
    }

    private static Duration ofUnit(long amount, String unit, String text) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "", "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(7 * amount);
            case "M" -> Duration.ofDays(30 * amount);
            case "y" -> Duration.ofDays(365 * amount);
            default -> throw invalid(text, "unknown unit '" + unit + "' (use ms, s, m, h, d, w, M or y)");
        };
    }

    /** Parses keepalived's decimal seconds, to microsecond precision as keepalived keeps timers. */
    public static Duration parseSeconds(String text) {
        String trimmed = text.strip();
        if (!trimmed.matches("\\d{1,9}(\\.\\d{1,6})?")) {
            throw invalid(text, "expected a non-negative number of seconds such as 1 or 0.5");
        }
        int dot = trimmed.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? trimmed : trimmed.substring(0, dot));
        long micros = 0;
        if (dot >= 0) {
            String fraction = (trimmed.substring(dot + 1) + "000000").substring(0, 6);
            micros = Long.parseLong(fraction);
        }
        return Duration.ofSeconds(seconds).plusNanos(micros * 1_000);
    }

    /**
     * Writes a duration the way nginx's documentation does: {@code 500ms}, {@code 60s}, {@code 10m},
     * {@code 1h30m}. The result parses back with {@link #parseNginx}.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, got " + duration);
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long[] unitMillis = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] unitNames = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < unitMillis.length; i++) {
            long amount = millis / unitMillis[i];
            if (amount > 0) {
                text.append(amount).append(unitNames[i]);
                millis -= amount * unitMillis[i];
            }
        }
        return text.toString();
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid duration '" + text + "': " + why);
    }
}
