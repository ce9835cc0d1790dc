package org.ha4j.core.linux;

/**
 * The kernel's clocks, read where a value must match what another process reads: systemd compares a
 * notification's {@code MONOTONIC_USEC} with its own {@code CLOCK_MONOTONIC}, and {@link
 * System#nanoTime()} promises only some monotonic clock.
 */
public final class LinuxClock {

  private LinuxClock() {}

  /**
   * {@code clock_gettime(CLOCK_MONOTONIC)} in microseconds.
   *
   * @throws NativeCallException if the kernel refuses (it does not for CLOCK_MONOTONIC; only an
   *     unbound libc makes this fail)
   */
  public static long monotonicMicros() throws NativeCallException {
    long[] timespec = new long[2];
    if (LibC.clock_gettime(LinuxConstants.Time.CLOCK_MONOTONIC, timespec) < 0) {
      throw LibC.failure("clock_gettime(CLOCK_MONOTONIC)", null);
    }
    return timespec[0] * 1_000_000L + timespec[1] / 1_000L;
  }
}
