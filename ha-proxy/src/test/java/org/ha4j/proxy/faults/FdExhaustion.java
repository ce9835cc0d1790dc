package org.ha4j.proxy.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.testing.ProcessResources;

/**
 * Takes every free file descriptor of this JVM (opening {@code /dev/null} until EMFILE) and gives
 * them back on {@link #close()}. Where the soft limit is far above what the JVM holds (a container
 * with a limit of a million), it is first lowered to a few thousand above that and restored on
 * close: filling a million descriptors would take long and pin kernel memory. Nothing but this JVM
 * is touched.
 *
 * <p>While exhausted, only code already loaded may run: loading a class from a directory needs a
 * descriptor.
 */
final class FdExhaustion implements AutoCloseable {

  private static final int HEADROOM = 4096;

  private final List<FileChannel> held = new ArrayList<>();
  private final FdLimit limit;

  private FdExhaustion(FdLimit limit) {
    this.limit = limit;
  }

  static FdExhaustion exhaust() throws IOException {
    long wanted = ProcessResources.self().openFds() + HEADROOM;
    FdExhaustion exhaustion =
        new FdExhaustion(FdLimit.current()[0] > wanted ? FdLimit.lowered(wanted) : null);
    try {
      exhaustion.takeAll();
    } catch (IOException | RuntimeException e) {
      exhaustion.close();
      throw e;
    }
    return exhaustion;
  }

  /** Takes every descriptor that is free (again). */
  void takeAll() throws IOException {
    Path devNull = Path.of("/dev/null");
    try {
      while (true) {
        held.add(FileChannel.open(devNull, StandardOpenOption.READ));
      }
    } catch (FileSystemException e) {
      if (e.getReason() == null || !e.getReason().contains("Too many open files")) {
        throw e;
      }
    }
  }

  /**
   * Leaves exactly one descriptor free: enough to accept a connection, not to open a second socket
   * for it. What was freed since the exhaustion began is taken first: a descriptor another thread
   * held while every other one was taken (the JVM reads its cgroup files now and then) comes free
   * when that thread closes it, and would be a second one.
   */
  void releaseOne() throws IOException {
    takeAll();
    held.remove(held.size() - 1).close();
  }

  /** Descriptors held. */
  int held() {
    return held.size();
  }

  @Override
  public void close() throws IOException {
    for (FileChannel c : held) {
      c.close();
    }
    held.clear();
    if (limit != null) {
      limit.close();
    }
  }
}
