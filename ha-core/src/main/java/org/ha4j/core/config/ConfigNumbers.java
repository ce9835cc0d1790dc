package org.ha4j.core.config;

/**
 * Whole numbers as configuration files write them: ASCII digits only.
 *
 * <p>{@link Integer#parseInt} and {@link Character#isDigit} accept every Unicode decimal digit, so
 * {@code priority ١٠٠} or {@code /٢٤} would load as 100 and /24. nginx ({@code ngx_atoi}) and
 * keepalived ({@code strtol} in the C locale) read only {@code 0-9}, so such a file fails there; it
 * must fail here too, naming the character, rather than load with a meaning the user never saw in
 * the original tool.
 */
public final class ConfigNumbers {

  private ConfigNumbers() {}

  /** Whether {@code c} is one of {@code 0-9}; every config number is made of these alone. */
  public static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Whether {@code text} is one or more ASCII digits and nothing else. */
  public static boolean isAsciiDigits(CharSequence text) {
    if (text.length() == 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!isAsciiDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses an optional sign ({@code -} or {@code +}, as keepalived's {@code strtol} allows) and
   * ASCII digits, and checks the result lies in {@code min..max}.
   *
   * @throws NumberFormatException (an {@link IllegalArgumentException}) saying the allowed range
   *     and quoting the text, shortened when long
   */
  public static int parseInt(String text, int min, int max) {
    return (int) parseLong(text, min, max);
  }

  /** As {@link #parseInt}, for {@code long} ranges. */
  public static long parseLong(String text, long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
    int length = text.length();
    int i = 0;
    boolean negative = false;
    if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
      negative = text.charAt(0) == '-';
      i = 1;
    }
    if (i == length) {
      throw outOfRange(text, min, max, "");
    }
    // Accumulate as a negative number so Long.MIN_VALUE fits; stop as soon as the range is left so
    // a
    // thousand-digit number never overflows.
    long limit = negative ? min : -max;
    long value = 0;
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (!isAsciiDigit(c)) {
        throw outOfRange(text, min, max, nonDigitHint(c));
      }
      int digit = c - '0';
      if (value < (Long.MIN_VALUE + digit) / 10 || value * 10 - digit < Math.min(limit, 0)) {
        throw outOfRange(text, min, max, "");
      }
      value = value * 10 - digit;
    }
    long result = negative ? value : -value;
    if (result < min || result > max) {
      throw outOfRange(text, min, max, "");
    }
    return result;
  }

  /** Why {@code c} is not read as a digit, when it looks like one to a reader; otherwise "". */
  static String nonDigitHint(char c) {
    return Character.isDigit(c) ? " ('" + c + "' is not an ASCII digit 0-9)" : "";
  }

  private static NumberFormatException outOfRange(String text, long min, long max, String hint) {
    return new NumberFormatException(
        "expected a whole number "
            + min
            + "-"
            + max
            + ", got '"
            + ConfigText.echo(text)
            + "'"
            + hint);
  }
}
