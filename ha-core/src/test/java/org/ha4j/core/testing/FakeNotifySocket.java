package org.ha4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.UnixDatagramSocket;

/**
 * What systemd's end of the notify protocol is, for a test: an AF_UNIX datagram socket bound at a
 * path or an {@code @abstract} name, read one message at a time with a bound on every wait. Used by
 * ha-node's notifier tests in-process and by the command line's tests against a real process.
 */
public final class FakeNotifySocket implements AutoCloseable {

  private final String name;
  private final UnixDatagramSocket socket;

  private FakeNotifySocket(String name, UnixDatagramSocket socket) {
    this.name = name;
    this.socket = socket;
  }

  public static FakeNotifySocket bind(String name) throws Exception {
    UnixDatagramSocket socket = LinuxNetwork.openUnixDatagram();
    try {
      socket.bind(name);
    } catch (Exception e) {
      socket.close();
      throw e;
    }
    return new FakeNotifySocket(name, socket);
  }

  public String name() {
    return name;
  }

  /** The next message, waiting at most 5 s for it. */
  public String next() throws Exception {
    return next(java.time.Duration.ofSeconds(5));
  }

  /** The next message, waiting at most {@code timeout} for it. */
  public String next(java.time.Duration timeout) throws Exception {
    String message = poll((int) timeout.toMillis());
    assertThat(message).as("a notify message on " + name + " within " + timeout).isNotNull();
    return message;
  }

  /** The next message that is not {@code WATCHDOG=1}, which can come at any time in between. */
  public String nextBesidesWatchdog() throws Exception {
    while (true) {
      String message = next();
      if (!message.equals("WATCHDOG=1")) {
        return message;
      }
    }
  }

  /** The next message if one comes within {@code millis}, else null. */
  public String poll(int millis) throws Exception {
    byte[] buffer = new byte[4096];
    int length = socket.receive(buffer, millis);
    return length < 0 ? null : new String(Arrays.copyOf(buffer, length), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws java.io.IOException {
    socket.close();
    if (!name.startsWith("@")) {
      Files.deleteIfExists(Path.of(name));
    }
  }
}
