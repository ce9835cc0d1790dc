package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;

/**
 * An AF_UNIX datagram socket ({@code socket(AF_UNIX, SOCK_DGRAM)}, unix(7)), which Java 17's {@code
 * DatagramChannel} cannot open: what systemd's notify protocol runs on. A socket is named by a
 * filesystem path ({@code /run/systemd/notify}) or, written {@code @name}, by a name in the
 * abstract namespace, which belongs to the network namespace and leaves no file behind. Needs no
 * privilege beyond write access to a path's socket file.
 *
 * <p>Thread-safety: one thread may receive while others send; {@link #close()} waits for a receive
 * in progress to return (at most its timeout).
 */
public interface UnixDatagramSocket extends Closeable {

  /**
   * {@code bind(2)} to {@code name}, so datagrams sent there arrive here. A path's socket file
   * stays after {@link #close()}, as with any AF_UNIX socket: whoever bound it deletes it.
   *
   * @throws IllegalArgumentException for a name that is empty or longer than 107 bytes
   */
  void bind(String name) throws IOException;

  /**
   * {@code sendto(2)} one datagram to the socket named {@code name}, whole or not at all.
   *
   * @throws NativeCallException ENOENT or ECONNREFUSED when nothing is bound there, EACCES without
   *     write access to a path
   * @throws IllegalArgumentException for a name that is empty or longer than 107 bytes
   */
  void send(String name, byte[] datagram) throws IOException;

  /**
   * Waits up to {@code timeoutMillis} for one datagram and copies it into {@code buffer}.
   *
   * @return its length (bytes beyond {@code buffer.length} are cut), or -1 if none arrived in time
   */
  int receive(byte[] buffer, int timeoutMillis) throws IOException;

  /** Releases the descriptor; idempotent. */
  @Override
  void close();
}
