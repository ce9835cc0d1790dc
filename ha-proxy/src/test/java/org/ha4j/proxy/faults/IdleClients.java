package org.ha4j.proxy.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Thousands of established, silent client connections held by a process of their own, so that their
 * sockets do not count against the descriptor limit of the JVM that runs the proxy (which already
 * holds three per session: the accepted one, the upstream one and the echo backend's). Each client
 * sends one byte and waits for its echo, so every session is relayed before the process says it is
 * ready; closing stdin ends them all.
 */
final class IdleClients implements AutoCloseable {

  private final Process process;

  private IdleClients(Process process) {
    this.process = process;
  }

  static IdleClients connect(int port, int count) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                IdleClients.class.getName(),
                Integer.toString(port),
                Integer.toString(count))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    IdleClients clients = new IdleClients(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // the child prints one line, after its last echo or its failure
    if (line == null || !line.equals("ready " + count)) {
      clients.close();
      throw new AssertionError(count + " idle clients did not connect: " + line);
    }
    return clients;
  }

  @Override
  public void close() throws IOException {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "idle clients process " + process.pid() + " did not end when told to");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the idle clients process", e);
    }
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    List<Socket> sockets = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(i & 0x7f);
      }
      for (int i = 0; i < count; i++) {
        if (sockets.get(i).getInputStream().read() != (i & 0x7f)) {
          throw new IOException("client " + i + " got no echo");
        }
      }
      System.out.println("ready " + count);
    } catch (IOException e) {
      System.out.println("failed: " + e);
    }
    System.out.flush();
    while (System.in.read() >= 0) {
      // idle until the test closes our stdin
    }
    for (Socket s : sockets) {
      s.close();
    }
  }
}
