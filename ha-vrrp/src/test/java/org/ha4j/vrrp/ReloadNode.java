package org.ha4j.vrrp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * A VRRP instance on {@code eth0} of a test namespace, run by {@link VrrpReloadIT}: VRID 51, PASS
 * 1111 under VRRPv2, started with the first of its configurations and driven by lines written to
 * its control FIFO:
 *
 * <ul>
 *   <li>{@code RELOAD} reconfigures it to the other of the first two configurations, {@code RELOAD
 *       i} to configuration i; then prints {@code RELOADED <n> threads=<ha4j threads> fds=<open
 *       fds>};
 *   <li>{@code SIGNAL <generation> <name> UP|DOWN} sets a tracked health signal of the instance
 *       built at that generation (0: the first, n: the one of reload n); prints {@code SIGNALLED};
 *   <li>{@code START_REPLACEMENT} starts the last replacement, which reconfigure consumed, and
 *       prints what that threw.
 * </ul>
 *
 * <p>Each generation's listener prints {@code STATE <state> gen=<g>} and {@code RECONFIGURED
 * gen=<g> <changes>}. SIGTERM stops the instance gracefully.
 *
 * <p>Arguments: the control FIFO, the VRRP version, then the configurations as {@code
 * priority:intervalMillis:vips:excluded:tracked:peers:interfaces}, lists comma-separated, a tracked
 * signal as {@code name/weight/UP|DOWN}, a tracked interface as {@code name/weight}; the fields
 * after the VIPs may be left out or empty. With IPv6 VIPs (an IPv6 instance) the fields are
 * separated by {@code ;} instead.
 */
final class ReloadNode {

  private ReloadNode() {}

  private final List<Map<String, HealthSignal>> signals = new ArrayList<>();

  private VrrpInstance build(int version, String spec) {
    String[] parts = spec.split(spec.indexOf(';') >= 0 ? ";" : ":", -1);
    int generation = signals.size();
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
                    System.out.println("STATE " + to + " gen=" + generation + " (" + why + ")");
                  }

                  @Override
                  public void onReconfigure(VrrpInstance instance, String changes) {
                    System.out.println("RECONFIGURED gen=" + generation + " " + changes);
                  }
                });
    if (version == 2) {
      b.authPassword("1111");
    }
    for (String vip : list(parts, 2)) {
      b.virtualAddress(vip);
    }
    for (String excluded : list(parts, 3)) {
      b.excludedAddress(VirtualAddress.parse(excluded));
    }
    Map<String, HealthSignal> tracked = new LinkedHashMap<>();
    for (String source : list(parts, 4)) {
      String[] fields = source.split("/");
      HealthSignal signal =
          fields[2].equals("UP")
              ? HealthSignal.up(fields[0])
              : HealthSignal.down(fields[0], "configured down");
      tracked.put(fields[0], signal);
      b.track(signal, Integer.parseInt(fields[1]));
    }
    signals.add(tracked);
    for (String peer : list(parts, 5)) {
      b.unicastPeer(Ipv4Address.parse(peer));
    }
    for (String link : list(parts, 6)) {
      String[] fields = link.split("/");
      b.trackInterface(fields[0], Integer.parseInt(fields[1]));
    }
    return b.build();
  }

  private static List<String> list(String[] parts, int index) {
    return index < parts.length && !parts[index].isEmpty()
        ? List.of(parts[index].split(","))
        : List.of();
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
    List<String> specs = List.of(args).subList(2, args.length);
    ReloadNode node = new ReloadNode();
    VrrpInstance instance = node.build(version, specs.get(0));
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
    VrrpInstance replacement = null;
    while (stopped.getCount() > 0) {
      // a FIFO: each writer's close ends one read, so reopen for the next
      try (BufferedReader commands = Files.newBufferedReader(control)) {
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
          String[] command = line.split(" ");
          switch (command[0]) {
            case "RELOAD" -> {
              reloads++;
              int spec = command.length > 1 ? Integer.parseInt(command[1]) : reloads % 2;
              replacement = node.build(version, specs.get(spec));
              instance.reconfigure(replacement);
              System.out.println("RELOADED " + reloads + " " + resources());
            }
            case "SIGNAL" -> {
              HealthSignal signal = node.signals.get(Integer.parseInt(command[1])).get(command[2]);
              if (command[3].equals("UP")) {
                signal.up();
              } else {
                signal.down("test");
              }
              System.out.println("SIGNALLED");
            }
            case "START_REPLACEMENT" -> {
              try {
                replacement.start();
                System.out.println("START_REPLACEMENT started");
              } catch (IllegalStateException e) {
                System.out.println("START_REPLACEMENT " + e);
              }
            }
            default -> System.out.println("UNKNOWN " + line);
          }
        }
      }
    }
  }
}
