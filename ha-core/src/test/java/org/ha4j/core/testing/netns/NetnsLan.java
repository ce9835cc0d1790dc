package org.ha4j.core.testing.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.net.Ipv4Address;

/**
 * A throw-away Ethernet LAN made of Linux network namespaces (DESIGN.md "Testbed"): a bridge in a
 * namespace of its own, and one namespace per host, each with an {@code eth0} veth plugged into the
 * bridge and an address from 10.200.0.0/24. No uplink, no route out: traffic stays on this LAN.
 *
 * <p>Names are unique per instance ({@code h4j<4 hex>-<host>}), so concurrent test runs on one
 * machine never collide. {@link #close()} kills every process started here (by PID, descendants
 * first), then deletes the namespaces; a JVM shutdown hook does the same if the test never gets to
 * close it.
 *
 * <pre>{@code
 * try (NetnsLan lan = NetnsLan.create()) {
 *     NetnsHost lb1 = lan.addHost("lb1", 11);
 *     NetnsHost client = lan.addHost("client", 2);
 *     NetnsProcess node = lb1.start(NetnsHost.javaCommand(NodeMain.class, "--interface", "eth0"));
 *     client.run("ping", "-c1", lb1.address().toString());
 * }
 * }</pre>
 *
 * Needs root (guard with {@code Privileges.assumeRoot}), iproute2, and nftables for {@link
 * NetnsHost#injectLoss}.
 */
public final class NetnsLan implements AutoCloseable {

  /** The LAN's prefix; hosts get {@code 10.200.0.<octet>/24}. */
  public static final String SUBNET_PREFIX = "10.200.0.";

  public static final int PREFIX_LENGTH = 24;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final String lanNamespace;
  private final Map<String, NetnsHost> hosts = new LinkedHashMap<>();
  private final List<NetnsProcess> processes = new ArrayList<>();
  private final Thread shutdownHook;
  private boolean closed;

  private NetnsLan(String prefix) {
    this.prefix = prefix;
    this.lanNamespace = prefix + "lan";
    this.shutdownHook = new Thread(this::teardown, prefix + "teardown");
  }

  /** Creates the LAN namespace and its bridge {@code br0}. */
  public static NetnsLan create() throws IOException {
    String prefix = String.format("h4j%04x-", RANDOM.nextInt(0x10000));
    NetnsLan lan = new NetnsLan(prefix);
    Runtime.getRuntime().addShutdownHook(lan.shutdownHook);
    try {
      lan.ip("netns", "add", lan.lanNamespace);
      lan.ip("-n", lan.lanNamespace, "link", "add", "br0", "type", "bridge");
      lan.ip("-n", lan.lanNamespace, "link", "set", "br0", "up");
      lan.ip("-n", lan.lanNamespace, "link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      lan.close();
      throw e;
    }
    return lan;
  }

  /** The unique prefix of every namespace of this LAN, e.g. {@code h4j3fa2-}. */
  public String prefix() {
    return prefix;
  }

  public String lanNamespace() {
    return lanNamespace;
  }

  /**
   * Adds a host namespace {@code <prefix><name>} with {@code eth0} = {@code 10.200.0.<octet>/24} on
   * the bridge, and {@code lo} up.
   */
  public synchronized NetnsHost addHost(String name, int octet) throws IOException {
    if (octet < 1 || octet > 254) {
      throw new IllegalArgumentException("host octet must be 1-254, got " + octet);
    }
    if (hosts.containsKey(name)) {
      throw new IllegalArgumentException("host " + name + " exists already");
    }
    String namespace = prefix + name;
    String bridgePort = "p" + octet;
    ip("netns", "add", namespace);
    NetnsHost host =
        new NetnsHost(this, name, namespace, Ipv4Address.parse(SUBNET_PREFIX + octet), bridgePort);
    hosts.put(name, host);
    // Create the pair inside the LAN namespace and move one end straight into the host: the
    // machine's
    // own namespace never sees either end.
    ip(
        "-n",
        lanNamespace,
        "link",
        "add",
        bridgePort,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        namespace);
    ip("-n", lanNamespace, "link", "set", bridgePort, "master", "br0");
    ip("-n", lanNamespace, "link", "set", bridgePort, "up");
    ip("-n", namespace, "link", "set", "lo", "up");
    ip("-n", namespace, "addr", "add", host.address() + "/" + PREFIX_LENGTH, "dev", "eth0");
    ip("-n", namespace, "link", "set", "eth0", "up");
    return host;
  }

  public synchronized NetnsHost host(String name) {
    NetnsHost host = hosts.get(name);
    if (host == null) {
      throw new IllegalArgumentException("no host " + name + " on " + lanNamespace);
    }
    return host;
  }

  synchronized void track(NetnsProcess process) {
    if (closed) {
      process.kill();
      throw new IllegalStateException("LAN " + lanNamespace + " is closed");
    }
    processes.add(process);
  }

  /**
   * Runs {@code ip ARGS} in the machine's namespace (used for {@code ip netns}/{@code ip -n}) and
   * checks it.
   */
  String ip(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    return run(command, null, Duration.ofSeconds(20));
  }

  /**
   * Runs a command to completion and returns its output, failing with its output on a non-zero
   * exit.
   */
  static String run(List<String> command, String stdin, Duration timeout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process = builder.start();
    try {
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(
            "exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Kills every process started on this LAN, then deletes its namespaces. Idempotent. */
  @Override
  public void close() {
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or ran
    }
  }

  private void teardown() {
    List<NetnsProcess> toKill;
    List<String> namespaces = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toKill = new ArrayList<>(processes);
      for (NetnsHost host : hosts.values()) {
        namespaces.add(host.namespace());
      }
      namespaces.add(lanNamespace);
    }
    for (NetnsProcess process : toKill) {
      process.kill();
    }
    for (String namespace : namespaces) {
      try {
        run(List.of("ip", "netns", "del", namespace), null, Duration.ofSeconds(20));
      } catch (IOException e) {
        if (!e.getMessage().contains("No such file")) {
          System.err.println("netns teardown: " + e.getMessage());
        }
      }
    }
  }
}
