package org.ha4j.proxy.faults;

import com.sun.jna.Native;
import java.io.IOException;
import org.ha4j.core.testing.Privileges;

/**
 * This JVM's open-file limit (RLIMIT_NOFILE), changed with {@code setrlimit(2)} and restored on
 * close.
 *
 * <p>A system call, not the {@code prlimit} command: starting a process opens pipes, and the JDK's
 * reaper thread closes one of them some time after the process has exited. During an exhaustion
 * that descriptor comes free after every other one was taken.
 */
final class FdLimit implements AutoCloseable {

  private static final int RLIMIT_NOFILE = 7;

  /** {@code RLIM_INFINITY}: all bits set. */
  private static final long UNLIMITED = -1L;

  private final long soft;
  private final long hard;
  private final boolean changed;

  private FdLimit(long soft, long hard, boolean changed) {
    this.soft = soft;
    this.hard = hard;
    this.changed = changed;
  }

  /** {soft, hard}; {@link Long#MAX_VALUE} stands for unlimited. */
  static long[] current() throws IOException {
    long[] limit = new long[2];
    if (Rlimit.getrlimit(RLIMIT_NOFILE, limit) != 0) {
      throw new IOException("getrlimit(RLIMIT_NOFILE) failed: errno " + Native.getLastError());
    }
    return new long[] {fromKernel(limit[0]), fromKernel(limit[1])};
  }

  /**
   * At least {@code n} descriptors until closed; raising the hard limit needs root (skips without
   * it).
   */
  static FdLimit atLeast(long n) throws IOException {
    long[] now = current();
    if (now[0] >= n) {
      return new FdLimit(now[0], now[1], false);
    }
    if (now[1] < n) {
      Privileges.assumeRoot("raising the open file limit to " + n + " (hard limit " + now[1] + ")");
    }
    set(n, Math.max(n, now[1]));
    return new FdLimit(now[0], now[1], true);
  }

  /** A soft limit of {@code soft} (below the current one) until closed. */
  static FdLimit lowered(long soft) throws IOException {
    long[] now = current();
    set(soft, now[1]);
    return new FdLimit(now[0], now[1], true);
  }

  @Override
  public void close() throws IOException {
    if (changed) {
      set(soft, hard);
    }
  }

  private static void set(long soft, long hard) throws IOException {
    if (Rlimit.setrlimit(RLIMIT_NOFILE, new long[] {toKernel(soft), toKernel(hard)}) != 0) {
      throw new IOException(
          "setrlimit(RLIMIT_NOFILE, "
              + soft
              + ", "
              + hard
              + ") failed: errno "
              + Native.getLastError());
    }
  }

  private static long fromKernel(long limit) {
    return limit == UNLIMITED ? Long.MAX_VALUE : limit;
  }

  private static long toKernel(long limit) {
    return limit == Long.MAX_VALUE ? UNLIMITED : limit;
  }

  /**
   * Bound by direct mapping, as ha-core binds libc: an array argument is copied in and out, where
   * an interface-mapped call would allocate native memory that JNA frees from a cleaner thread.
   * {@code struct rlimit} is two unsigned longs: an array of two Java longs has its layout.
   */
  private static final class Rlimit {
    static {
      Native.register(Rlimit.class, "c");
    }

    static native int getrlimit(int resource, long[] limit);

    static native int setrlimit(int resource, long[] limit);
  }
}
