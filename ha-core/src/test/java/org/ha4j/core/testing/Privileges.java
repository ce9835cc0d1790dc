package org.ha4j.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need root (network namespaces, raw sockets, netlink writes).
 *
 * <p>Without root such a test is skipped with a message saying why. With {@code
 * HA4J_REQUIRE_PRIVILEGED=1} (CI sets it) the same situation fails instead, so a privileged test
 * can never be counted as passed by being skipped.
 */
public final class Privileges {

  private Privileges() {}

  /** Whether this process runs with effective uid 0. */
  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] fields = line.split("\\s+");
          return fields.length > 2 && fields[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Whether CI demands that privileged tests run. */
  public static boolean required() {
    return "1".equals(System.getenv("HA4J_REQUIRE_PRIVILEGED"));
  }

  /**
   * Skips the calling test unless it runs as root; fails instead when {@link #required()}.
   *
   * @param what what the test needs root for, e.g. "network namespaces"
   */
  public static void assumeRoot(String what) {
    assumeThat(isRoot(), "needs root for " + what);
  }

  /**
   * Skips the calling test unless {@code condition} holds (a tool installed, a kernel feature
   * present); fails instead when {@link #required()}.
   */
  public static void assumeThat(boolean condition, String why) {
    if (condition) {
      return;
    }
    if (required()) {
      Assertions.fail(why + " (HA4J_REQUIRE_PRIVILEGED=1, so this is a failure, not a skip)");
    }
    Assumptions.abort(why + "; skipped (set HA4J_REQUIRE_PRIVILEGED=1 to make this a failure)");
  }

  /** Skips or fails unless {@code command} is on the PATH. */
  public static void assumeCommand(String command) {
    boolean found = false;
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        found = true;
        break;
      }
    }
    assumeThat(found, "needs '" + command + "' installed (.ci/run installs it)");
  }
}
