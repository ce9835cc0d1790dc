package org.ha4j.vrrp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsProcess;

/**
 * A real keepalived (Debian's 2.2.7) in a test namespace: VRRP only, in the foreground, logging to
 * the console, with pid files of its own so it never meets another keepalived on the machine.
 */
public final class Keepalived {

  private Keepalived() {}

  /**
   * The reference deployment's instance (VRID 51, advert_int 1, PASS 1111) with {@code state},
   * {@code priority} and one VIP on {@code eth0}; {@code extra} lines go inside the instance block.
   */
  public static String config(String state, int priority, String vip, String... extra) {
    StringBuilder config =
        new StringBuilder()
            .append(
                "global_defs {\n  router_id h4jtest\n  enable_script_security\n  script_user root\n}\n")
            .append("vrrp_instance VI_1 {\n")
            .append("  state ")
            .append(state)
            .append('\n')
            .append("  interface eth0\n  virtual_router_id 51\n")
            .append("  priority ")
            .append(priority)
            .append('\n')
            .append("  advert_int 1\n")
            .append("  authentication {\n    auth_type PASS\n    auth_pass 1111\n  }\n")
            .append("  virtual_ipaddress {\n    ")
            .append(vip)
            .append("\n  }\n");
    for (String line : extra) {
      config.append("  ").append(line).append('\n');
    }
    return config.append("}\n").toString();
  }

  /**
   * Starts keepalived with {@code config} on {@code host}; returns once its VRRP child is running.
   */
  public static NetnsProcess start(NetnsHost host, String config) throws IOException {
    Path conf = host.file("keepalived.conf");
    Files.writeString(conf, config);
    Path pid = host.file("keepalived.pid");
    Path vrrpPid = host.file("vrrp.pid");
    Files.deleteIfExists(pid);
    Files.deleteIfExists(vrrpPid);
    NetnsProcess process =
        host.start(
            List.of(
                "keepalived",
                "-n",
                "-l",
                "-D",
                "-P",
                "-f",
                conf.toString(),
                "-p",
                pid.toString(),
                "-r",
                vrrpPid.toString()),
            host.file("keepalived.log"));
    process.awaitOutput(
        out -> out.contains("Entering BACKUP STATE") || out.contains("Entering MASTER STATE"),
        Duration.ofSeconds(20),
        "keepalived's first VRRP state");
    return process;
  }

  /**
   * Lines in which keepalived reports a packet it refused as invalid. "received lower priority ...
   * discarding" is not one: that is RFC 3768 §6.4.2 preemption at work on a valid advert.
   */
  public static List<String> rejections(NetnsProcess keepalived) {
    return keepalived
        .output()
        .lines()
        .filter(line -> !line.contains("lower priority"))
        .filter(
            line -> {
              String l = line.toLowerCase(java.util.Locale.ROOT);
              return l.contains("bogus")
                  || l.contains("invalid")
                  || l.contains("mismatch")
                  || l.contains("receive an invalid")
                  || l.contains("auth") && l.contains("fail")
                  || l.contains("wrong")
                  || l.contains("discard");
            })
        .toList();
  }
}
