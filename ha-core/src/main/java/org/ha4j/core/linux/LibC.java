package org.ha4j.core.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Every glibc function ha4j calls, bound once through JNA direct mapping (static natives, no proxy
 * per call). The only class in ha4j that binds a native function; every other class reaches libc
 * through it.
 *
 * <p>One errno convention: a call returns what the C function returns, -1 on failure, and the errno
 * it left is read with {@link #errno()} right after it (JNA saves errno per thread after every
 * direct call). Nothing here throws for an errno, so a non-blocking call that meets EAGAIN costs no
 * exception; the JNA-free classes of this package turn a real failure into a {@link
 * NativeCallException} naming the call ({@link #failure}). Structs are passed as byte arrays or
 * direct buffers laid out by {@link Structs} and {@link EpollEventLayout}, so every layout is
 * explicit and tested.
 */
final class LibC {

  /** Why libc could not be bound, or null if it was. */
  private static final String UNAVAILABLE;

  static {
    String problem = null;
    try {
      Native.register(LibC.class, "c");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      problem = "libc could not be bound through JNA: " + e;
    }
    UNAVAILABLE = problem;
  }

  private LibC() {}

  /** Why libc is not usable here, or null if it is. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  /** The errno the previous call on this thread left. */
  static int errno() {
    return Native.getLastError();
  }

  /**
   * The exception for the call that just failed on this thread: reads errno first, then its text.
   */
  static NativeCallException failure(String call, Capability capability) {
    int errno = errno();
    return Errno.exception(call, errno, describe(errno), capability);
  }

  /** {@code strerror(3)}, or "errno N" if libc cannot say. */
  static String describe(int errno) {
    try {
      String text = strerror(errno);
      return text == null ? "errno " + errno : text;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "errno " + errno;
    }
  }

  // <string.h>
  private static native String strerror(int errno);

  // <sys/socket.h>, <net/if.h>, <poll.h>
  static native int socket(int domain, int type, int protocol);

  static native int setsockopt(int fd, int level, int name, byte[] value, int length);

  static native int bind(int fd, byte[] address, int length);

  static native long sendto(
      int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength);

  static native long recvfrom(
      int fd, byte[] buffer, long length, int flags, byte[] address, int[] addressLength);

  static native long recvmsg(int fd, Pointer message, int flags);

  static native int shutdown(int fd, int how);

  static native int poll(byte[] fds, long count, int timeoutMillis);

  static native int if_nametoindex(String name);

  // <unistd.h>, <fcntl.h>
  static native int close(int fd);

  static native long read(int fd, Pointer buffer, long count);

  static native long write(int fd, Pointer buffer, long count);

  static native int pipe2(int[] fds, int flags);

  static native int fcntl(int fd, int command, int argument);

  static native long splice(
      int fdIn, Pointer offsetIn, int fdOut, Pointer offsetOut, long length, int flags);

  // <sys/epoll.h>, <sys/eventfd.h>
  static native int epoll_create1(int flags);

  static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

  static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

  static native int eventfd(int initialValue, int flags);

  // <time.h>: struct timespec as two longs (time_t and long are both 64-bit on every Architecture)
  static native int clock_gettime(int clockId, long[] timespec);

  // <signal.h>, <sys/prctl.h>, <sys/wait.h>
  static native int kill(int pid, int signal);

  static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  static native int waitpid(int pid, int[] status, int options);

  // <sched.h>: struct sched_param is one int; pid 0 = the calling thread
  static native int sched_setscheduler(int pid, int policy, int[] param);

  static native int sched_getscheduler(int pid);

  // <unistd.h> syscall(2): io_uring has no glibc wrapper. Every argument is passed as a long (a
  // pointer as its address), which both Architectures pass in integer registers like a fixed
  // argument.
  static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

  // <sys/mman.h>
  static native Pointer mmap(
      Pointer address, long length, int protection, int flags, int fd, long offset);

  static native int munmap(Pointer address, long length);
}
