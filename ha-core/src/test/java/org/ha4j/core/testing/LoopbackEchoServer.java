package org.ha4j.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A backend on 127.0.0.1 that echoes each connection until the client half-closes, one connection
 * at a time, on its own thread; closing it ends the thread.
 */
public final class LoopbackEchoServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Thread thread;

  public LoopbackEchoServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(this::echoUntilClosed, "loopback-echo");
    thread.start();
  }

  /** {@code 127.0.0.1:PORT}, as a proxy's server line names it. */
  public String hostPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /**
   * One client session to {@code 127.0.0.1:port} (a proxy in front of this server): sends {@code
   * text}, half-closes, and returns everything that came back (10 s read timeout).
   */
  public static String exchange(int port, String text) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void echoUntilClosed() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        s.getInputStream().transferTo(s.getOutputStream());
      } catch (IOException closed) {
        return;
      }
    }
  }
}
