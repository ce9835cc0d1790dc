package org.ha4j.node;

import java.io.IOException;
import java.util.Optional;
import org.ha4j.core.linux.LinuxNative;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.UnixDatagramSocket;

/**
 * {@link NotifyTransport} on a real AF_UNIX datagram socket, opened for each message and closed
 * after it, as sd_notify(3) does: a notifier holds no descriptor between messages, the slowest of
 * which (the watchdog's) come seconds apart.
 */
final class UnixNotifyTransport implements NotifyTransport {

  @Override
  public void send(String socket, byte[] message) throws IOException {
    Optional<String> unavailable = LinuxNative.unavailableReason();
    if (unavailable.isPresent()) {
      throw new NativeUnavailableException(unavailable.get());
    }
    try (UnixDatagramSocket datagrams = LinuxNetwork.openUnixDatagram()) {
      datagrams.send(socket, message);
    }
  }

  /** The native layer cannot run here (not Linux, or libc not bound), so nothing can be sent. */
  static final class NativeUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    NativeUnavailableException(String reason) {
      super(reason);
    }
  }

  /** Whether {@code e} is a send that failed with this errno. */
  static boolean failedWith(IOException e, int errno) {
    return e instanceof NativeCallException call && call.errno() == errno;
  }
}
