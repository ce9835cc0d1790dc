package org.ha4j.examples.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Both ends of a long-lived TCP conversation for namespace fault tests, each run as its own JVM in
 * a namespace: {@code server PORT} echoes every byte on every connection; {@code client HOST PORT}
 * sends a numbered line every 100 ms and prints {@code ECHO n} as each comes back, then {@code
 * ENDED reason} when the conversation breaks or no echo comes within 5 s. The test reads the
 * client's output to see whether bytes still flow.
 */
public final class EchoPeers {

  private EchoPeers() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("server")) {
      serve(Integer.parseInt(args[1]));
    } else {
      converse(args[1], Integer.parseInt(args[2]));
    }
  }

  private static void serve(int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(port), 512);
      System.out.println("listening on " + port);
      System.out.flush();
      while (true) {
        Socket socket = server.accept();
        Thread echo =
            new Thread(
                () -> {
                  try (socket) {
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream();
                    byte[] buffer = new byte[4096];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                      out.write(buffer, 0, n);
                      out.flush();
                    }
                  } catch (IOException e) {
                    // the peer went away: nothing to answer
                  }
                });
        echo.setDaemon(true);
        echo.start();
      }
    }
  }

  private static void converse(String host, int port) throws InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(5000);
      System.out.println("CONNECTED");
      System.out.flush();
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      for (int n = 1; ; n++) {
        out.write(("line " + n + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String echoed = in.readLine();
        if (echoed == null) {
          System.out.println("ENDED closed after " + (n - 1));
          return;
        }
        System.out.println("ECHO " + n);
        System.out.flush();
        Thread.sleep(100); // the pace of the conversation, not a synchronisation
      }
    } catch (SocketTimeoutException e) {
      System.out.println("ENDED no echo within 5 s");
    } catch (IOException e) {
      System.out.println("ENDED " + e.getMessage());
    }
  }
}
