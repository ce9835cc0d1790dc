package org.ha4j.core.linux;

import java.util.Locale;
import java.util.Optional;

/** Whether the native layer can run here: Linux, with libc bound through JNA. */
public final class LinuxNative {

  private LinuxNative() {}

  /** Why the native layer cannot run on this JVM, or empty if it can. */
  public static Optional<String> unavailableReason() {
    return unavailableReason(System.getProperty("os.name", ""));
  }

  /**
   * Why the native layer cannot run on the operating system {@code osName} (as in {@code os.name}).
   */
  public static Optional<String> unavailableReason(String osName) {
    if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of(
          "the native layer needs Linux, this is " + (osName.isEmpty() ? "an unnamed OS" : osName));
    }
    return Optional.ofNullable(LibC.unavailableReason());
  }
}
