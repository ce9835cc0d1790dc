package org.ha4j.node;

import java.io.IOException;

/**
 * The port {@link SystemdNotifier} sends through: one datagram to one AF_UNIX socket. {@link
 * UnixNotifyTransport} is the real one; tests record what would be sent.
 */
@FunctionalInterface
interface NotifyTransport {

  /**
   * Sends {@code message} as one datagram to {@code socket} (a path or {@code @abstract} name).
   *
   * @throws IOException the datagram was not delivered; its type and message name why
   */
  void send(String socket, byte[] message) throws IOException;
}
