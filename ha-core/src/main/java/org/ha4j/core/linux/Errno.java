package org.ha4j.core.linux;

/**
 * The errno values ha4j reacts to ({@code <asm-generic/errno-base.h>}, {@code
 * <asm-generic/errno.h>}, x86_64 and arm64 share them), and the mapping from a failed call to a
 * typed exception.
 */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int ENXIO = 6;
  public static final int ECHILD = 10;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int EPIPE = 32;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ECONNRESET = 104;
  public static final int ENOBUFS = 105;
  public static final int ECONNREFUSED = 111;
  public static final int ENOSYS = 38;
  public static final int ETIME = 62;
  public static final int ECANCELED = 125;

  /** Reported by ha4j itself for a call on a socket this process already closed. */
  public static final int EBADF = 9;

  private Errno() {}

  /** {@code strerror(3)} of {@code errno}, or "errno N" if libc cannot say. */
  public static String describe(int errno) {
    return LibC.describe(errno);
  }

  /**
   * Whether a non-blocking call only has to be tried again later: EAGAIN (nothing ready) or EINTR
   * (a signal).
   */
  static boolean isRetry(int errno) {
    return errno == EAGAIN || errno == EINTR;
  }

  /**
   * The exception for a failed call.
   *
   * @param call what was called, e.g. {@code socket(AF_INET, SOCK_RAW, IPPROTO_VRRP)}
   * @param errno the errno it left
   * @param description {@code strerror(errno)}
   * @param capability the capability the call needs if it is refused; null if none
   * @return a {@link MissingPrivilegeException} for EPERM/EACCES when a capability is known,
   *     otherwise a plain {@link NativeCallException}
   */
  public static NativeCallException exception(
      String call, int errno, String description, Capability capability) {
    if (capability != null && (errno == EPERM || errno == EACCES)) {
      return new MissingPrivilegeException(call, errno, description, capability);
    }
    return new NativeCallException(call, errno, description);
  }
}
