package org.ha4j.examples.embedded;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.node.HaNode;
import org.ha4j.node.NodeOptions;

/**
 * A node (keepalived.conf + nginx.conf, as {@code ./ha4j run}) sharing its JVM with an application
 * that allocates hard, for the VRRPv3 soak (benchmarks/scripts/vrrp3-soak.sh): the adverts must
 * keep their cadence while the co-tenant churns the heap.
 *
 * <p>The co-tenant keeps a ring of {@code RETAINED_MIB} of live arrays and replaces entries as fast
 * as one thread can, so young collections promote and the old generation fills too. A pause
 * detector thread asks for 1 ms sleeps and records how much later it woke (GC, safepoints, a
 * starved CPU: every stall the VRRP threads would also see); it prints {@code STALLS max_ms=..
 * over_10ms=..} every 10 s and on exit.
 *
 * <pre>
 * java -cp ha4j.jar org.ha4j.examples.embedded.NoisyNeighbour KEEPALIVED_CONF NGINX_CONF [RETAINED_MIB]
 * </pre>
 */
public final class NoisyNeighbour {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private NoisyNeighbour() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: NoisyNeighbour KEEPALIVED_CONF NGINX_CONF [RETAINED_MIB]");
      System.exit(2);
    }
    int retainedMib = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    HaNode node =
        HaNode.fromFiles(
            Path.of(args[0]), Path.of(args[1]), NodeOptions.defaults(System.out::println));
    node.start();
    AtomicLong allocatedMib = new AtomicLong();
    StallDetector stalls = new StallDetector();
    Thread churn = daemon("co-tenant-churn", () -> churn(retainedMib, allocatedMib));
    Thread detector = daemon("stall-detector", stalls::run);
    churn.start();
    detector.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.stop();
                  System.out.println(stalls.report() + " allocated_mib=" + allocatedMib.get());
                }));
    System.out.println("NoisyNeighbour: node started, co-tenant retaining " + retainedMib + " MiB");
    while (true) {
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
      System.out.println(stalls.report() + " allocated_mib=" + allocatedMib.get());
    }
  }

  private static Thread daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Replaces random entries of a ring of live arrays (1-16 KiB each) forever. */
  private static void churn(int retainedMib, AtomicLong allocatedMib) {
    int slots = Math.max(1, retainedMib * 128); // 8 KiB on average
    byte[][] ring = new byte[slots][];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long bytes = 0;
    while (true) {
      int size = 1024 + random.nextInt(15 * 1024);
      byte[] block = new byte[size];
      block[size - 1] = 1;
      ring[random.nextInt(slots)] = block;
      bytes += size;
      if (bytes >= 1 << 20) {
        allocatedMib.addAndGet(bytes >> 20);
        bytes &= (1 << 20) - 1;
      }
    }
  }

  /** Measures its own oversleep: how late a 1 ms park returns. */
  private static final class StallDetector {
    private volatile long maxNanos;
    private final AtomicLong over10ms = new AtomicLong();

    void run() {
      while (true) {
        long before = System.nanoTime();
        LockSupport.parkNanos(TICK_NANOS);
        long late = System.nanoTime() - before - TICK_NANOS;
        if (late > maxNanos) {
          maxNanos = late;
        }
        if (late > TimeUnit.MILLISECONDS.toNanos(10)) {
          over10ms.incrementAndGet();
        }
      }
    }

    String report() {
      return String.format(
          "STALLS max_ms=%.1f over_10ms=%d", maxNanos / 1_000_000.0, over10ms.get());
    }
  }
}
