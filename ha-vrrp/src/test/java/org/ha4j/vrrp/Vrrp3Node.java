package org.ha4j.vrrp;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * A VRRPv3 instance on {@code eth0} of a test namespace, run by {@link Vrrp3KeepalivedIT} through
 * {@code NetnsHost.javaCommand}: VRID 51, one VIP, the priority and interval given. Prints {@code
 * STATE <state>} at each change and, on SIGTERM, stops the instance (a master resigns with priority
 * 0) and prints its drops.
 *
 * <p>Arguments: priority, interval in milliseconds, VIP with prefix, and optionally the version
 * (default 3; 2 takes a whole-second interval), then any of {@code src=ADDRESS} (unicast source,
 * IPv4 or IPv6), {@code peer=ADDRESS} (a unicast peer, repeatable), {@code no_accept} (Accept_Mode
 * false), and for {@link KernelPacedAdvertsIT}: {@code horizon=MILLIS} (the kernel queue's
 * horizon), {@code pause=AFTER:MILLIS} (AFTER ms after becoming MASTER, hold the protocol thread
 * for MILLIS; prints {@code PAUSED} and {@code RESUMED <nanos>}), {@code safepoint=AFTER:MIB}
 * (AFTER ms after becoming MASTER, stop the whole JVM at a safepoint: a heap dump of MIB MiB of
 * live arrays, which HotSpot writes inside one safepoint; prints {@code SAFEPOINT <start> <end>})
 * and {@code lower=AFTER:PRIORITY} (then reconfigure to PRIORITY; prints {@code RECONFIGURED
 * <nanos>}). Times are {@link System#nanoTime()}, CLOCK_MONOTONIC. After the stop it prints {@code
 * RESOURCES}: descriptors other than files and ha4j's threads before the start and after the stop,
 * io_uring descriptors while master and after.
 */
final class Vrrp3Node {

  private Vrrp3Node() {}

  public static void main(String[] args) throws Exception {
    VrrpInstance.Builder builder =
        VrrpInstance.builder()
            .interfaceName("eth0")
            .virtualRouterId(51)
            .priority(Integer.parseInt(args[0]))
            .version(args.length > 3 ? Integer.parseInt(args[3]) : 3)
            .advertInterval(Duration.ofMillis(Long.parseLong(args[1])))
            .virtualAddress(args[2])
            .listener(
                new VrrpListener() {
                  @Override
                  public void onStateChange(
                      VrrpInstance i, VrrpState from, VrrpState to, String why) {
                    System.out.println("STATE " + to + " (" + why + ")");
                  }
                });
    long[] pause = null;
    long[] lower = null;
    long[] safepoint = null;
    for (int i = 4; i < args.length; i++) {
      if (args[i].startsWith("horizon=")) {
        System.setProperty(KernelPacedAdverts.HORIZON_PROPERTY, args[i].substring(8));
      } else if (args[i].startsWith("pause=")) {
        pause = pair(args[i].substring(6));
      } else if (args[i].startsWith("safepoint=")) {
        safepoint = pair(args[i].substring(10));
      } else if (args[i].startsWith("lower=")) {
        lower = pair(args[i].substring(6));
      } else if (args[i].startsWith("src=")) {
        builder.unicastSource(IpAddress.parse(args[i].substring(4)));
      } else if (args[i].startsWith("peer=")) {
        builder.unicastPeer(IpAddress.parse(args[i].substring(5)));
      } else if (args[i].equals("no_accept")) {
        builder.acceptMode(false);
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    CountDownLatch master = new CountDownLatch(1);
    builder.listener(
        new VrrpListener() {
          @Override
          public void onStateChange(VrrpInstance i, VrrpState from, VrrpState to, String why) {
            if (to == VrrpState.MASTER) {
              master.countDown();
            }
          }
        });
    VrrpInstance instance = builder.build();
    CountDownLatch stopped = new CountDownLatch(1);
    ProcessResources before = ProcessResources.now();
    long[] ioUringWhileMaster = {-1};
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  instance.stop();
                  System.out.println("STOPPED " + System.nanoTime());
                  System.out.println("DROPS " + instance.snapshot().droppedPackets());
                  ProcessResources after = ProcessResources.settledAt(before);
                  System.out.println(
                      "RESOURCES fds "
                          + before.fds()
                          + " "
                          + after.fds()
                          + " threads "
                          + before.threads()
                          + " "
                          + after.threads()
                          + " io_uring "
                          + ioUringWhileMaster[0]
                          + " "
                          + after.ioUring());
                  stopped.countDown();
                }));
    instance.start();
    System.out.println("STARTED");
    if (pause != null || lower != null || safepoint != null) {
      master.await();
      ioUringWhileMaster[0] = ProcessResources.now().ioUring();
      if (pause != null) {
        Thread.sleep(pause[0]); // the moment of the stall, not a synchronisation
        System.out.println("PAUSED");
        ((DefaultVrrpInstance) instance).pauseProtocolThread(Duration.ofMillis(pause[1]));
        Thread.sleep(pause[1]);
        System.out.println("RESUMED " + System.nanoTime());
      }
      if (safepoint != null) {
        stopTheWorld(safepoint[0], (int) safepoint[1]);
      }
      if (lower != null) {
        Thread.sleep(lower[0]);
        instance.reconfigure(builder.priority((int) lower[1]).build());
        System.out.println("RECONFIGURED " + System.nanoTime());
      }
    }
    System.out.flush();
    stopped.await(); // until SIGTERM runs the hook
  }

  /** Every Java thread held at one safepoint for as long as a heap dump of {@code mib} takes. */
  private static void stopTheWorld(long afterMillis, int mib) throws Exception {
    byte[][] live = new byte[mib][];
    for (int i = 0; i < mib; i++) {
      live[i] = new byte[1 << 20];
      live[i][i % 1024] = (byte) i;
    }
    Thread.sleep(afterMillis); // the moment of the stall, not a synchronisation
    java.nio.file.Path dump =
        java.nio.file.Files.createTempDirectory("ha4j-stw").resolve("h.hprof");
    com.sun.management.HotSpotDiagnosticMXBean diagnostics =
        java.lang.management.ManagementFactory.getPlatformMXBean(
            com.sun.management.HotSpotDiagnosticMXBean.class);
    long start = System.nanoTime();
    diagnostics.dumpHeap(dump.toString(), false);
    long end = System.nanoTime();
    java.nio.file.Files.delete(dump);
    java.nio.file.Files.delete(dump.getParent());
    System.out.println("SAFEPOINT " + start + " " + end + " " + live.length);
  }

  private static long[] pair(String text) {
    String[] parts = text.split(":");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  /**
   * Open descriptors other than files (sockets, pipes, anonymous inodes), ha4j's threads and
   * io_uring descriptors of this process.
   */
  record ProcessResources(int fds, int threads, int ioUring) {

    static ProcessResources now() {
      int fds = 0;
      int ioUring = 0;
      java.io.File[] entries = new java.io.File("/proc/self/fd").listFiles();
      for (java.io.File fd : entries == null ? new java.io.File[0] : entries) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(fd.toPath()).toString();
          // sockets, pipes, epoll, eventfd, io_uring; not the jars class loading opens lazily
          if (!target.startsWith("/")) {
            fds++;
          }
          if (target.contains("io_uring")) {
            ioUring++;
          }
        } catch (java.io.IOException e) {
          // the listing's own descriptor, closed by now
        }
      }
      int threads = 0;
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().startsWith("ha4j")) {
          threads++; // the instance's protocol, receiver, link and notify threads
        }
      }
      return new ProcessResources(fds, threads, ioUring);
    }

    /** Polls up to 5 s for the counts to come back to {@code baseline}'s. */
    static ProcessResources settledAt(ProcessResources baseline) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      ProcessResources now = now();
      while (System.nanoTime() < deadline
          && (now.fds() > baseline.fds() || now.threads() > baseline.threads())) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        now = now();
      }
      return now;
    }
  }
}
