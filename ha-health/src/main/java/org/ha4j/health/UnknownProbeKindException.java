package org.ha4j.health;

import java.util.List;

/** A probe specification whose kind ({@code tcp:}, {@code exec:} ...) is not one ha4j knows. */
public final class UnknownProbeKindException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String kind;

  UnknownProbeKindException(String kind, String spec, List<String> known) {
    super(
        "unknown probe kind '"
            + kind
            + "' in '"
            + spec
            + "'; known kinds: "
            + String.join(", ", known));
    this.kind = kind;
  }

  /** The kind as written. */
  public String kind() {
    return kind;
  }
}
