package org.ha4j.proxy.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback address that swallows connection attempts: a listener that never accepts, with a
 * backlog of one, whose accept queue is then filled. Linux drops a SYN to a listener with a full
 * accept queue (the ListenOverflows counter; no RST unless {@code tcp_abort_on_overflow} is set),
 * so a connect there gets no answer at all, as with a host gone or a firewall dropping packets, and
 * ends only by the connecting side's timeout. This needs no privileges and no rule in the machine's
 * own network namespace (nftables rules may only go into namespaces a test creates); the
 * constructor proves the drop, so the fault cannot silently be absent.
 */
final class BlackHole implements AutoCloseable {

  private final ServerSocketChannel listener;
  private final List<SocketChannel> fillers = new ArrayList<>();

  BlackHole() throws IOException {
    listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
    try {
      for (int i = 0; i < 16; i++) {
        SocketChannel filler = SocketChannel.open();
        fillers.add(filler);
        filler.configureBlocking(false);
        if (!filler.connect(listener.getLocalAddress()) && !connectsWithin(filler, 300_000_000L)) {
          return; // this SYN got no answer: the queue is full and the kernel drops them
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    close();
    throw new AssertionError(
        "16 connects to a listener with backlog 1 that never accepts all completed: "
            + "this kernel does not drop SYNs on a full accept queue, no black hole to test with");
  }

  private static boolean connectsWithin(SocketChannel channel, long nanos) throws IOException {
    long deadline = System.nanoTime() + nanos;
    while (System.nanoTime() - deadline < 0) {
      if (channel.finishConnect()) {
        return true;
      }
      LockSupport.parkNanos(5_000_000L);
    }
    return false;
  }

  String address() throws IOException {
    InetSocketAddress a = (InetSocketAddress) listener.getLocalAddress();
    return "127.0.0.1:" + a.getPort();
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel c : fillers) {
      c.close();
    }
    listener.close();
  }
}
