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
 * IPv4 or IPv6), {@code peer=ADDRESS} (a unicast peer, repeatable) and {@code no_accept}
 * (Accept_Mode false).
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
    for (int i = 4; i < args.length; i++) {
      if (args[i].startsWith("src=")) {
        builder.unicastSource(IpAddress.parse(args[i].substring(4)));
      } else if (args[i].startsWith("peer=")) {
        builder.unicastPeer(IpAddress.parse(args[i].substring(5)));
      } else if (args[i].equals("no_accept")) {
        builder.acceptMode(false);
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    VrrpInstance instance = builder.build();
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
    System.out.println("STARTED");
    stopped.await(); // until SIGTERM runs the hook
  }
}
