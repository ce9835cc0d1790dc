package org.ha4j.vrrp.testing;

import java.io.IOException;
import java.time.Duration;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;

/**
 * IPv6 on a {@link NetnsLan}: {@code fd00:200::<octet>/64} on a host's {@code eth0}, the link-local
 * address past duplicate address detection (awaited, bounded), and the LAN's bridge flooding
 * multicast so a third namespace sees the adverts to ff02::12.
 */
public final class Ipv6Hosts {

  public static final String PREFIX = "fd00:200::";

  private Ipv6Hosts() {}

  /** Makes the bridge flood multicast: no MLD snooping decides who hears ff02::12. */
  public static void floodMulticast(NetnsLan lan) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                "ip",
                "-n",
                lan.lanNamespace(),
                "link",
                "set",
                "br0",
                "type",
                "bridge",
                "mcast_snooping",
                "0")
            .redirectErrorStream(true);
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IOException("mcast_snooping 0 failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * Gives {@code host} {@code fd00:200::<octet>/64} (no DAD) and waits, at most 10 s, until its
   * link-local address is no longer tentative.
   */
  public static String enable(NetnsHost host, int octet) throws IOException {
    host.run("sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
    String address = PREFIX + Integer.toHexString(octet);
    host.run("ip", "-6", "addr", "add", address + "/64", "dev", "eth0", "nodad");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      String linkLocal = host.run("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link");
      String tentative = host.run("ip", "-6", "-o", "addr", "show", "dev", "eth0", "tentative");
      if (linkLocal.contains("fe80:") && tentative.isBlank()) {
        return address;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("link-local address not usable within 10 s: " + linkLocal);
      }
      Thread.onSpinWait();
    }
  }

  /** The host's link-local address on eth0. */
  public static String linkLocal(NetnsHost host) throws IOException {
    String line = host.run("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link");
    String[] fields = line.trim().split("\\s+");
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals("inet6")) {
        return fields[i + 1].substring(0, fields[i + 1].indexOf('/'));
      }
    }
    throw new IOException("no link-local address: " + line);
  }

  /** The MAC of eth0. */
  public static String mac(NetnsHost host) throws IOException {
    String out = host.run("cat", "/sys/class/net/eth0/address");
    return out.trim();
  }

  /** Whether {@code address} (IPv6, no prefix) is on eth0. */
  public static boolean hasAddress(NetnsHost host, String address) throws IOException {
    String out = host.run("ip", "-6", "-o", "addr", "show", "dev", "eth0");
    return out.contains(" " + address + "/");
  }

  /** The MAC {@code host} has cached for {@code address}, or "" if none. */
  public static String neighbour(NetnsHost host, String address) throws IOException {
    String out = host.run("ip", "-6", "neigh", "show", address, "dev", "eth0");
    String[] fields = out.trim().split("\\s+");
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals("lladdr")) {
        return fields[i + 1];
      }
    }
    return "";
  }
}
