package org.ha4j.vrrp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * A VRRP instance on {@code eth0} of a test namespace, run by {@link VrrpReloadIT}: VRID 51, PASS
 * 1111, started with the first of two configurations; each line {@code RELOAD} written to its
 * control FIFO reconfigures it to the other one and prints {@code RELOADED <n> threads=<ha4j
 * threads> fds=<open fds>} once that is in effect. Prints {@code STATE <state>} at each transition;
 * SIGTERM stops it gracefully.
 *
 * <p>Arguments: the control FIFO, the VRRP version, then two configurations as {@code
 * priority:intervalMillis:vip,vip,...:excluded,excluded,...}.
 */
final class ReloadNode {

  private ReloadNode() {}

  static VrrpInstance build(int version, String spec) {
    String[] parts = spec.split(":");
    VrrpInstance.Builder b =
        VrrpInstance.builder()
            .name("VI_1")
            .interfaceName("eth0")
            .virtualRouterId(51)
            .version(version)
            .priority(Integer.parseInt(parts[0]))
            .advertInterval(Duration.ofMillis(Long.parseLong(parts[1])))
            .listener(
                new VrrpListener() {
                  @Override
                  public void onStateChange(
                      VrrpInstance i, VrrpState from, VrrpState to, String why) {
                    System.out.println("STATE " + to + " (" + why + ")");
                  }
                });
    if (version == 2) {
      b.authPassword("1111");
    }
    for (String vip : parts[2].split(",")) {
      b.virtualAddress(vip);
    }
    if (parts.length > 3) {
      for (String excluded : parts[3].split(",")) {
        b.excludedAddress(VirtualAddress.parse(excluded));
      }
    }
    return b.build();
  }

  static String resources() {
    long threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("ha4j"))
            .count();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return "threads=" + threads + " fds=" + fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    Path control = Path.of(args[0]);
    int version = Integer.parseInt(args[1]);
    String[] specs = {args[2], args[3]};
    VrrpInstance instance = build(version, specs[0]);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  instance.stop();
                  System.out.println("DROPS " + instance.snapshot().droppedPackets());
                  stopped.countDown();
                }));
    instance.start();
    System.out.println("STARTED " + resources());
    int reloads = 0;
    while (stopped.getCount() > 0) {
      // a FIFO: each writer's close ends one read, so reopen for the next
      try (BufferedReader commands = Files.newBufferedReader(control)) {
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
          if (line.equals("RELOAD")) {
            reloads++;
            instance.reconfigure(build(version, specs[reloads % 2]));
            System.out.println("RELOADED " + reloads + " " + resources());
          }
        }
      }
    }
  }
}
