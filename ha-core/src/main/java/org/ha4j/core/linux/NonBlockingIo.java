package org.ha4j.core.linux;

import com.sun.jna.Native;
import java.nio.ByteBuffer;
import org.ha4j.core.linux.LinuxConstants.Fcntl;
import org.ha4j.core.linux.LinuxConstants.Socket;

/**
 * Calls on non-blocking descriptors that the caller owns elsewhere (e.g. sockets Netty accepted).
 * "Try again later" (EAGAIN, EINTR) is the value {@link #WOULD_BLOCK}, so waiting costs no
 * exception; every other failure is a {@link NativeCallException} naming the call and the
 * descriptors.
 */
public final class NonBlockingIo {

  /** Returned instead of a byte count when the call would have blocked. */
  public static final long WOULD_BLOCK = -1;

  private NonBlockingIo() {}

  /**
   * {@code splice(2)} with {@code SPLICE_F_MOVE | SPLICE_F_NONBLOCK}; one of the two must be a
   * pipe.
   *
   * @return bytes moved, 0 when {@code from} is a socket at end of stream, or {@link #WOULD_BLOCK}
   */
  public static long splice(int from, int to, long length) throws NativeCallException {
    long n =
        LibC.splice(from, null, to, null, length, Fcntl.SPLICE_F_MOVE | Fcntl.SPLICE_F_NONBLOCK);
    if (n >= 0) {
      return n;
    }
    if (Errno.isRetry(LibC.errno())) {
      return WOULD_BLOCK;
    }
    throw LibC.failure("splice(fd " + from + " -> fd " + to + ")", null);
  }

  /**
   * {@code write(2)} of a direct buffer's remaining bytes; its position moves past what was
   * written.
   *
   * @return bytes written, or {@link #WOULD_BLOCK}
   */
  public static long write(int fd, ByteBuffer source) throws NativeCallException {
    if (!source.isDirect()) {
      throw new IllegalArgumentException("write needs a direct buffer (ByteBuffer.allocateDirect)");
    }
    long n =
        LibC.write(
            fd, Native.getDirectBufferPointer(source).share(source.position()), source.remaining());
    if (n >= 0) {
      source.position(source.position() + (int) n);
      return n;
    }
    if (Errno.isRetry(LibC.errno())) {
      return WOULD_BLOCK;
    }
    throw LibC.failure("write(fd " + fd + ")", null);
  }

  /** {@code shutdown(fd, SHUT_WR)}: sends the FIN once the bytes already queued are out. */
  public static void shutdownOutput(int fd) throws NativeCallException {
    if (LibC.shutdown(fd, Socket.SHUT_WR) < 0) {
      throw LibC.failure("shutdown(fd " + fd + ", SHUT_WR)", null);
    }
  }
}
