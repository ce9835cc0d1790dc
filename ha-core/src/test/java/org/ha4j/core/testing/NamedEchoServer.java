package org.ha4j.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback backend that answers each line with its name and the line ({@code a:hello}), so a test
 * sees which backend a proxy chose; {@link Client} is the other end. One daemon thread per
 * connection; {@link #close()} stops accepting.
 */
public final class NamedEchoServer implements AutoCloseable {

  private final ServerSocket server;

  public NamedEchoServer(String name) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  Thread t = new Thread(() -> answer(name, s), "echo-" + name);
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "echo-accept-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private static void answer(String name, Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          out.write((name + ":" + line + "\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          line.setLength(0);
        } else {
          line.append((char) c);
        }
      }
    } catch (IOException e) {
      // the client or the proxy closed the session
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** One loopback connection that exchanges lines, with a 10 s bound on every read. */
  public static final class Client implements AutoCloseable {
    private final Socket socket;

    public Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
    }

    /** Sends {@code line} and returns the answer line; an ended session is an IOException. */
    public String exchange(String line) throws IOException {
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      StringBuilder answer = new StringBuilder();
      int c;
      while ((c = socket.getInputStream().read()) != '\n') {
        if (c < 0) {
          throw new IOException("session ended after '" + answer + "'");
        }
        answer.append((char) c);
      }
      return answer.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
