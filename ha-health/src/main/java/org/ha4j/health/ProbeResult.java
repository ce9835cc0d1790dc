package org.ha4j.health;

import java.util.Objects;

/**
 * What one run of a probe found: OK or failed, and a short human-readable detail. The scheduler
 * adds the latency; a probe only says what it saw.
 *
 * @param healthy true when the checked thing is healthy (keepalived: the script exited 0)
 * @param detail why, for logs and the cause of a transition; never null, "" when there is nothing
 *     to say
 */
public record ProbeResult(boolean healthy, String detail) {

  private static final ProbeResult OK = new ProbeResult(true, "");

  public ProbeResult {
    Objects.requireNonNull(detail, "detail");
  }

  public static ProbeResult ok() {
    return OK;
  }

  public static ProbeResult ok(String detail) {
    return new ProbeResult(true, detail);
  }

  public static ProbeResult failed(String detail) {
    return new ProbeResult(false, detail);
  }

  /**
   * A failure whose detail names the exception: its class and message, and those of its root cause.
   */
  public static ProbeResult failed(Throwable cause) {
    return new ProbeResult(false, describe(cause));
  }

  static String describe(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text =
        cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    if (root != cause) {
      text +=
          " (caused by "
              + root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + root.getMessage())
              + ")";
    }
    return text;
  }

  @Override
  public String toString() {
    return (healthy ? "OK" : "FAILED") + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
