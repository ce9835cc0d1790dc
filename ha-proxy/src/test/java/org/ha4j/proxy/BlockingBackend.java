package org.ha4j.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback server that runs a scripted handler per connection on its own thread. */
public final class BlockingBackend implements AutoCloseable {

  @FunctionalInterface
  public interface Handler {
    void handle(Socket socket) throws Exception;
  }

  final ServerSocket server;
  public final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public BlockingBackend(Handler handler) throws IOException {
    this(InetAddress.getLoopbackAddress(), handler);
  }

  public BlockingBackend(InetAddress address, Handler handler) throws IOException {
    server = new ServerSocket(0, 512, address);
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  sockets.add(s);
                  Thread t =
                      new Thread(
                          () -> {
                            try {
                              handler.handle(s);
                            } catch (Exception e) {
                              failures.add(e);
                            }
                          },
                          "backend-conn");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "backend-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
