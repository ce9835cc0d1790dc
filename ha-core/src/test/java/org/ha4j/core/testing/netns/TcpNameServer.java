package org.ha4j.core.testing.netns;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A tiny TCP service for namespace tests: answers every connection with one line naming its host,
 * then closes. Run it on each load balancer to see which one holds a VIP: {@code TcpNameServer PORT
 * NAME}.
 */
public final class TcpNameServer {

  private TcpNameServer() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    byte[] answer = (args[1] + "\n").getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(port), 512);
      System.out.println("listening on " + port);
      System.out.flush();
      while (true) {
        try (Socket socket = server.accept()) {
          OutputStream out = socket.getOutputStream();
          out.write(answer);
          out.flush();
        } catch (IOException e) {
          // a client that went away: serve the next one
        }
      }
    }
  }
}
