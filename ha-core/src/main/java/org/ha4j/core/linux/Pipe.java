package org.ha4j.core.linux;

import org.ha4j.core.linux.LinuxConstants.Fcntl;

/**
 * A non-blocking, close-on-exec pipe (pipe(7)): the middle of a socket-to-socket {@code splice(2)}.
 */
public final class Pipe implements AutoCloseable {

  private final int readFd;
  private final int writeFd;

  private Pipe(int readFd, int writeFd) {
    this.readFd = readFd;
    this.writeFd = writeFd;
  }

  /**
   * {@code pipe2(O_NONBLOCK | O_CLOEXEC)}, then {@code fcntl(F_SETPIPE_SZ)} if a capacity is asked
   * for.
   *
   * @param capacity bytes the pipe should hold; 0 keeps the kernel's default (64 KiB). A size the
   *     kernel refuses (above {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE) keeps
   *     the default too: a smaller pipe only means more calls, never lost bytes.
   */
  public static Pipe open(int capacity) throws NativeCallException {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "capacity must be >= 0 (0: the kernel's default), got " + capacity);
    }
    int[] fds = new int[2];
    if (LibC.pipe2(fds, Fcntl.O_NONBLOCK | Fcntl.O_CLOEXEC) < 0) {
      throw LibC.failure("pipe2(O_NONBLOCK | O_CLOEXEC)", null);
    }
    if (capacity > 0) {
      LibC.fcntl(fds[1], Fcntl.F_SETPIPE_SZ, capacity);
    }
    return new Pipe(fds[0], fds[1]);
  }

  public int readFd() {
    return readFd;
  }

  public int writeFd() {
    return writeFd;
  }

  @Override
  public void close() {
    LibC.close(readFd);
    LibC.close(writeFd);
  }
}
