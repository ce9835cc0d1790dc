package org.ha4j.core.linux;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One socket file descriptor and the calls made on it, each turning errno into a {@link
 * NativeCallException} that names the call.
 *
 * <p>Thread-safety: sending and receiving may run concurrently on different threads; {@link
 * #close()} waits until calls in progress return (a receive waits at most its timeout, since it
 * polls first), so the descriptor number is never closed under a running call and then reused by an
 * unrelated file.
 */
final class NativeSocket implements AutoCloseable {

  private final int fd;
  private final String description;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private NativeSocket(int fd, String description) {
    this.fd = fd;
    this.description = description;
  }

  /**
   * {@code socket(2)} with CLOEXEC.
   *
   * @param description how the call is named in errors, e.g. {@code socket(AF_INET, SOCK_RAW, 112)}
   * @param capability what a refusal means is missing; null if the call needs none
   */
  static NativeSocket open(
      int domain, int type, int protocol, String description, Capability capability)
      throws NativeCallException {
    int fd = LibC.socket(domain, type | LinuxConstants.Socket.SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw LibC.failure(description, capability);
    }
    return new NativeSocket(fd, description);
  }

  void setOption(int level, int name, byte[] value, String call, Capability capability)
      throws IOException {
    enter();
    try {
      if (LibC.setsockopt(fd, level, name, value, value.length) < 0) {
        throw LibC.failure("setsockopt(" + call + ") on " + description, capability);
      }
    } finally {
      exit();
    }
  }

  /**
   * {@code SO_BINDTODEVICE}: only this interface's packets are received and sent. Before Linux 5.7
   * it needs CAP_NET_RAW; later kernels allow it once, unprivileged.
   */
  void bindToDevice(String interfaceName) throws IOException {
    setOption(
        LinuxConstants.Socket.SOL_SOCKET,
        LinuxConstants.Socket.SO_BINDTODEVICE,
        Structs.cString(interfaceName),
        "SO_BINDTODEVICE=" + interfaceName,
        Capability.CAP_NET_RAW);
  }

  void setIntOption(int level, int name, int value, String call, Capability capability)
      throws IOException {
    setOption(level, name, Structs.intValue(value), call + "=" + value, capability);
  }

  void bind(byte[] address, String call) throws IOException {
    enter();
    try {
      if (LibC.bind(fd, address, address.length) < 0) {
        throw LibC.failure("bind(" + call + ") on " + description, null);
      }
    } finally {
      exit();
    }
  }

  void sendTo(byte[] data, int length, byte[] address, String call, Capability capability)
      throws IOException {
    sendTo(data, length, 0, address, call, capability);
  }

  void sendTo(
      byte[] data, int length, int flags, byte[] address, String call, Capability capability)
      throws IOException {
    enter();
    try {
      long sent =
          LibC.sendto(fd, data, length, flags, address, address == null ? 0 : address.length);
      if (sent < 0) {
        throw LibC.failure("sendto(" + call + ") on " + description, capability);
      }
      if (sent != length) {
        throw new NativeCallException(
            "sendto(" + call + ") on " + description,
            0,
            "sent " + sent + " of " + length + " bytes");
      }
    } finally {
      exit();
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for a datagram and reads it.
   *
   * @return the datagram's length (bytes beyond {@code buffer.length} are cut), or -1 if none
   *     arrived in time
   */
  int receive(byte[] buffer, int timeoutMillis) throws IOException {
    enter();
    try {
      if (!awaitReadable(timeoutMillis)) {
        return -1;
      }
      long length =
          LibC.recvfrom(fd, buffer, buffer.length, LinuxConstants.Socket.MSG_DONTWAIT, null, null);
      if (length >= 0) {
        return (int) length;
      }
      if (Errno.isRetry(LibC.errno())) {
        return -1;
      }
      throw LibC.failure("recvfrom on " + description, null);
    } finally {
      exit();
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for a datagram and reads it with {@code recvmsg(2)} into the
   * buffers {@code message} (a {@code struct msghdr}) points to.
   *
   * @return the datagram's length, or -1 if none arrived in time
   */
  int receiveMessage(com.sun.jna.Pointer message, int timeoutMillis) throws IOException {
    enter();
    try {
      if (!awaitReadable(timeoutMillis)) {
        return -1;
      }
      long length = LibC.recvmsg(fd, message, LinuxConstants.Socket.MSG_DONTWAIT);
      if (length >= 0) {
        return (int) length;
      }
      if (Errno.isRetry(LibC.errno())) {
        return -1;
      }
      throw LibC.failure("recvmsg on " + description, null);
    } finally {
      exit();
    }
  }

  /** Whether a datagram waits to be read, without waiting or reading it. */
  boolean hasUnread() throws IOException {
    enter();
    try {
      return awaitReadable(0);
    } finally {
      exit();
    }
  }

  private boolean awaitReadable(int timeoutMillis) throws IOException {
    byte[] pollfd = Structs.pollfd(fd, LinuxConstants.Poll.POLLIN);
    int ready = LibC.poll(pollfd, 1, timeoutMillis);
    if (ready >= 0) {
      return ready > 0 && Structs.pollfdRevents(pollfd) != 0;
    }
    if (LibC.errno() == Errno.EINTR) {
      return false;
    }
    throw LibC.failure("poll on " + description, null);
  }

  private void enter() throws IOException {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new NativeCallException(description, Errno.EBADF, "socket already closed");
    }
  }

  private void exit() {
    lock.readLock().unlock();
  }

  String description() {
    return description;
  }

  /**
   * The descriptor, for an io_uring that sends on it ({@link ScheduledSender}); the caller closes
   * that ring before this socket.
   */
  int fd() {
    return fd;
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // close(2) releases the descriptor even when it reports an error: nothing to retry, nothing
      // to report.
      LibC.close(fd);
    } finally {
      lock.writeLock().unlock();
    }
  }
}
