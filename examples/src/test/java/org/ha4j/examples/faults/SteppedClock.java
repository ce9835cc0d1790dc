package org.ha4j.examples.faults;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A wall clock that a test steps for the processes it starts, and for nothing else: libfaketime
 * preloaded into the JVM, reading its offset from a file on every call. Changing the machine's real
 * clock would hit every process on it, so it is never touched.
 *
 * <p>Only {@code CLOCK_REALTIME} is faked ({@code FAKETIME_DONT_FAKE_MONOTONIC}): a node whose
 * timers run on the monotonic clock must not notice the step at all. {@code
 * FAKETIME_FORCE_MONOTONIC_FIX=0} because libfaketime 0.9.10's {@code pthread_cond_timedwait}
 * wrapper otherwise treats the JVM's monotonic timed waits as wall-clock ones, and every {@code
 * parkNanos} returns at once.
 */
final class SteppedClock {

  private final Path offsetFile;
  private final Path library;

  private SteppedClock(Path library, Path offsetFile) {
    this.library = library;
    this.offsetFile = offsetFile;
  }

  /** libfaketime from Debian's {@code libfaketime} package, if installed. */
  static Optional<Path> library() throws IOException {
    try (DirectoryStream<Path> libs =
        Files.newDirectoryStream(Path.of("/usr/lib"), "*-linux-gnu")) {
      for (Path lib : libs) {
        Path candidate = lib.resolve("faketime/libfaketime.so.1");
        if (Files.isReadable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** A clock at the real time, stepped through {@code offsetFile}. */
  static SteppedClock create(Path library, Path offsetFile) throws IOException {
    SteppedClock clock = new SteppedClock(library, offsetFile);
    clock.stepTo("+0");
    return clock;
  }

  /** The environment that puts a process on this clock. */
  List<String> environment() {
    return List.of(
        "LD_PRELOAD=" + library,
        "FAKETIME_TIMESTAMP_FILE=" + offsetFile,
        "FAKETIME_NO_CACHE=1",
        "FAKETIME_DONT_FAKE_MONOTONIC=1",
        "FAKETIME_FORCE_MONOTONIC_FIX=0");
  }

  /**
   * Sets the offset from the real time, in libfaketime's notation: {@code +1h}, {@code -1h}, {@code
   * +0}.
   */
  void stepTo(String offset) throws IOException {
    // written whole then renamed: a reader must never see a half-written offset
    Path next = offsetFile.resolveSibling(offsetFile.getFileName() + ".next");
    Files.writeString(next, offset + "\n");
    Files.move(
        next,
        offsetFile,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
