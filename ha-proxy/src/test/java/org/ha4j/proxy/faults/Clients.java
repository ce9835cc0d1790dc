package org.ha4j.proxy.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Loopback clients of the proxy under test: checksummed echo sessions, one at a time or several at
 * once.
 */
final class Clients {

  private Clients() {}

  static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** {@code size} bytes from {@code seed}, the same for the sender and the checker. */
  static byte[] payload(int size, long seed) {
    byte[] data = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      data[i] = (byte) random.nextInt(256);
    }
    return data;
  }

  /**
   * One echo session: sends {@code size} seeded bytes from a second thread while reading,
   * half-closes, reads to EOF. Whole means every byte came back in order (same length, same CRC);
   * anything else (a reset, an early EOF) is a cut session, which the proxy has to account for with
   * a logged status.
   */
  static boolean echoWhole(int port, int size, long seed) {
    byte[] data = payload(size, seed);
    CRC32 expected = new CRC32();
    expected.update(data);
    try {
      Socket s = connect(port);
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  out.write(data);
                  s.shutdownOutput();
                } catch (IOException e) {
                  // the session was cut; the reader sees it too
                }
              },
              "echo-writer");
      writer.start();
      InputStream in = s.getInputStream();
      CRC32 got = new CRC32();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          got.update(buf, 0, n);
          total += n;
        }
      } finally {
        s.close();
        writer.join(20_000);
      }
      return total == size && got.getValue() == expected.getValue();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code sessions} echo sessions, {@code parallel} at a time; returns how many came back whole.
   */
  static int echoSessions(int port, int sessions, int parallel, int size) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        long seed = i;
        results.add(pool.submit(() -> echoWhole(port, size, seed)));
      }
      int whole = 0;
      for (Future<Boolean> r : results) {
        whole += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      return whole;
    } finally {
      pool.shutdown();
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new AssertionError("client threads did not end");
      }
    }
  }
}
