package org.ha4j.health.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.Probe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;

/**
 * Healthy when a TCP connection to an address opens within the run's timeout (nginx's and HAProxy's
 * plain TCP check: connect, then close at once).
 *
 * <pre>{@code
 * AsyncProbe tomcat = TcpProbe.connect(new InetSocketAddress("192.168.122.12", 8080));
 * }</pre>
 */
public final class TcpProbe {

  private TcpProbe() {}

  public static AsyncProbe connect(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    return AsyncProbe.blocking(new Connect(address));
  }

  public static AsyncProbe connect(String host, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
    return connect(InetSocketAddress.createUnresolved(host, port));
  }

  private record Connect(InetSocketAddress configured) implements Probe {
    @Override
    public ProbeResult check(ProbeContext context) {
      // Resolve on every run: a name may move (nginx resolves at start-up only; we can do better).
      InetSocketAddress address =
          configured.isUnresolved()
              ? new InetSocketAddress(configured.getHostString(), configured.getPort())
              : configured;
      if (address.isUnresolved()) {
        return ProbeResult.failed("cannot resolve " + configured.getHostString());
      }
      try (Socket socket = new Socket()) {
        context.onCancel(() -> closeQuietly(socket));
        socket.connect(
            address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, context.timeout().toMillis())));
        return ProbeResult.ok("connected to " + describe(address));
      } catch (IOException e) {
        return ProbeResult.failed("connect to " + describe(address) + ": " + e.getMessage());
      }
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing to abort a connect: nothing more to do
      }
    }

    private static String describe(InetSocketAddress address) {
      String host =
          address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
      return "tcp " + describe(configured);
    }
  }
}
