package org.ha4j.examples.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reference deployment's LAN in network namespaces: one per host (client, lb1, lb2, app01,
 * app02), each with an {@code eth0} whose peer sits on a bridge in a namespace of its own, so the
 * host's network is never touched: no uplink, no route out. Names carry a random prefix ({@code
 * h4jXXXX-}), unique per run.
 *
 * <p>{@link #close()} kills every process left in the namespaces (by PID, from {@code ip netns
 * pids}) and deletes them; it is safe to call more than once and from a shutdown hook.
 */
public final class DemoNetwork implements AutoCloseable {

  /** Host name -> last octet, as in the seed's table; the client is the seed's browser (.1). */
  public static final Map<String, Integer> HOSTS = hosts();

  /** The reference deployment's LAN: 192.168.122.0/24. */
  public static final String SEED_SUBNET = "192.168.122";

  private final String prefix;
  private final String subnet;
  private final List<String> created = new ArrayList<>();
  private boolean closed;

  private DemoNetwork(String prefix, String subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
  }

  private static Map<String, Integer> hosts() {
    Map<String, Integer> hosts = new LinkedHashMap<>();
    hosts.put("client", 1);
    hosts.put("lb1", 10);
    hosts.put("lb2", 11);
    hosts.put("app01", 12);
    hosts.put("app02", 13);
    return java.util.Collections.unmodifiableMap(hosts);
  }

  /**
   * Builds the LAN.
   *
   * @param subnet the first three octets, e.g. {@code 192.168.122} (the seed's)
   */
  public static DemoNetwork create(String subnet) throws IOException {
    byte[] random = new byte[2];
    ThreadLocalRandom.current().nextBytes(random);
    DemoNetwork net = new DemoNetwork("h4j" + HexFormat.of().formatHex(random) + "-", subnet);
    try {
      net.build();
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  private void build() throws IOException {
    String lan = prefix + "lan";
    ip("netns", "add", lan);
    created.add(lan);
    ip("-n", lan, "link", "add", "br0", "type", "bridge");
    ip("-n", lan, "link", "set", "br0", "up");
    for (Map.Entry<String, Integer> host : HOSTS.entrySet()) {
      String ns = prefix + host.getKey();
      ip("netns", "add", ns);
      created.add(ns);
      String port = "p-" + host.getKey();
      ip("-n", lan, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("-n", lan, "link", "set", port, "master", "br0");
      ip("-n", lan, "link", "set", port, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", view().address(host.getKey()) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
    }
  }

  /** The names and addresses, for a process that did not create the network (the story driver). */
  public View view() {
    return new View(prefix, subnet);
  }

  /**
   * Names and addresses of a demo network, and the commands that look into it.
   *
   * @param prefix the namespaces' prefix, {@code h4jXXXX-}
   * @param subnet the first three octets
   */
  public record View(String prefix, String subnet) {

    public String namespace(String host) {
      return prefix + host;
    }

    public String address(String host) {
      return subnet + "." + HOSTS.get(host);
    }

    public String vip() {
      return subnet + ".100";
    }

    /** {@code ip -4 -o addr show dev eth0} in a host's namespace. */
    public String addresses(String host) throws IOException {
      return ip("-n", namespace(host), "-4", "-o", "addr", "show", "dev", "eth0");
    }

    public boolean holdsVip(String host) throws IOException {
      return addresses(host).contains(" " + vip() + "/");
    }

    /** The command line that runs {@code command} inside a host's namespace. */
    public List<String> exec(String host, List<String> command) {
      List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
      full.addAll(command);
      return full;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int round = 0; round < 2; round++) {
      for (String ns : created) {
        try {
          for (String pid : ip("netns", "pids", ns).split("\\s+")) {
            if (!pid.isBlank()) {
              boolean gently = round == 0;
              ProcessHandle.of(Long.parseLong(pid.strip()))
                  .ifPresent(
                      p -> {
                        if (gently) {
                          p.destroy();
                        } else {
                          p.destroyForcibly();
                        }
                      });
            }
          }
        } catch (IOException | RuntimeException e) {
          // the namespace may already be gone
        }
      }
      if (round == 0) {
        awaitEmpty(java.time.Duration.ofSeconds(5));
      }
    }
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        ip("netns", "del", created.get(i));
      } catch (IOException e) {
        System.err.println(
            "demo: could not delete namespace " + created.get(i) + ": " + e.getMessage());
      }
    }
  }

  private void awaitEmpty(java.time.Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      boolean empty = true;
      for (String ns : created) {
        try {
          if (!ip("netns", "pids", ns).isBlank()) {
            empty = false;
          }
        } catch (IOException e) {
          // gone
        }
      }
      if (empty) {
        return;
      }
      try {
        Thread.sleep(100); // polling interval of a bounded wait, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Runs {@code ip ARGS}; fails with its stderr when it exits non-zero. */
  public static String ip(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    return run(command);
  }

  static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out;
    try (InputStream in = p.getInputStream()) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      out = buffer.toString(StandardCharsets.UTF_8);
    }
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
    }
    return out;
  }
}
