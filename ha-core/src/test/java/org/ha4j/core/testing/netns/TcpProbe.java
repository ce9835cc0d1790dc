package org.ha4j.core.testing.netns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that keeps connecting to {@code HOST:PORT}, one probe every {@code INTERVAL_MS} (probes
 * run concurrently, so a hanging one does not delay the next), each with {@code TIMEOUT_MS} to
 * connect and read the answer of a {@link TcpNameServer}. Prints one line per probe: {@code <sent
 * epoch µs> <done epoch µs> OK <name>} or {@code <sent> <done> FAIL <reason>}.
 *
 * <p>{@code TcpProbe HOST PORT INTERVAL_MS TIMEOUT_MS DURATION_MS}: DURATION_MS / INTERVAL_MS
 * probes (at least one), then exits once every probe has finished.
 */
public final class TcpProbe {

  private TcpProbe() {}

  public static void main(String[] args) throws InterruptedException {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int intervalMillis = Integer.parseInt(args[2]);
    int timeoutMillis = Integer.parseInt(args[3]);
    long durationMillis = Long.parseLong(args[4]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(256, 256, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    InetSocketAddress target = new InetSocketAddress(host, port);
    long probes = Math.max(1, durationMillis / intervalMillis);
    CountDownLatch done = new CountDownLatch((int) probes);
    AtomicLong started = new AtomicLong();
    ticker.scheduleAtFixedRate(
        () -> {
          if (started.getAndIncrement() < probes) {
            workers.execute(
                () -> {
                  probe(target, timeoutMillis, out);
                  done.countDown();
                });
          }
        },
        0,
        intervalMillis,
        TimeUnit.MILLISECONDS);
    done.await();
    ticker.shutdownNow();
    workers.shutdown();
    out.flush();
    System.exit(0);
  }

  private static void probe(InetSocketAddress target, int timeoutMillis, PrintStream out) {
    long sent = micros();
    String result;
    try (Socket socket = new Socket()) {
      socket.connect(target, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String line = reader.readLine();
      result = line == null ? "FAIL closed" : "OK " + line.trim();
    } catch (Exception e) {
      result =
          "FAIL "
              + e.getClass().getSimpleName()
              + ":"
              + String.valueOf(e.getMessage()).replace(' ', '_');
    }
    long done = micros();
    synchronized (out) {
      out.println(sent + " " + done + " " + result);
    }
  }

  private static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
