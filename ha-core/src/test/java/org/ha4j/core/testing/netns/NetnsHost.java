package org.ha4j.core.testing.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;

/** One host of a {@link NetnsLan}: a namespace with {@code eth0} on the LAN. */
public final class NetnsHost {

  /** The host's LAN interface, the same name in every host namespace. */
  public static final String INTERFACE = "eth0";

  private final NetnsLan lan;
  private final String name;
  private final String namespace;
  private final Ipv4Address address;
  private final String bridgePort;

  NetnsHost(NetnsLan lan, String name, String namespace, Ipv4Address address, String bridgePort) {
    this.lan = lan;
    this.name = name;
    this.namespace = namespace;
    this.address = address;
    this.bridgePort = bridgePort;
  }

  public String name() {
    return name;
  }

  /** The namespace's name, for {@code ip netns exec NAMESPACE ...}. */
  public String namespace() {
    return namespace;
  }

  /** The host's own (primary) address on {@code eth0}. */
  public Ipv4Address address() {
    return address;
  }

  /**
   * Runs a command in this namespace to completion and returns its output; a non-zero exit throws.
   */
  public String run(String... command) throws IOException {
    return NetnsLan.run(inNamespace(List.of(command)), null, Duration.ofSeconds(30));
  }

  /** Like {@link #run} with text on the command's standard input. */
  public String runWithInput(String stdin, String... command) throws IOException {
    return NetnsLan.run(inNamespace(List.of(command)), stdin, Duration.ofSeconds(30));
  }

  /**
   * Starts a long-running process in this namespace ({@code ip netns exec}, which execs it, so the
   * PID is the command's own). Output (stdout and stderr) goes to {@code log}. The LAN kills it on
   * close.
   */
  public NetnsProcess start(List<String> command, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(inNamespace(command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    NetnsProcess process = new NetnsProcess(name, builder.start(), log);
    lan.track(process);
    return process;
  }

  /** Starts {@code command} with its log in a fresh temporary file. */
  public NetnsProcess start(List<String> command) throws IOException {
    return start(command, Files.createTempFile(lan.prefix() + name + "-", ".log"));
  }

  /**
   * The command that runs {@code mainClass} in a new JVM with this JVM's class path, e.g. to run a
   * node as its own process in a namespace.
   */
  public static List<String> javaCommand(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Connects once to {@code address:port} from this host with {@link TcpProbe}'s client logic and
   * returns the line a {@link TcpNameServer} answered, or a {@code FAIL ...} text.
   */
  public String ask(String address, int port, int timeoutMillis) throws IOException {
    String out =
        run(
            javaCommand(
                    TcpProbe.class.getName(),
                    address,
                    Integer.toString(port),
                    "1000",
                    Integer.toString(timeoutMillis),
                    "1")
                .toArray(String[]::new));
    String[] lines = out.trim().split("\n");
    String last = lines[lines.length - 1];
    String[] fields = last.split(" ", 3);
    return fields.length == 3 ? fields[2] : last;
  }

  /** Takes {@code eth0} administratively down: the node sees its interface go down. */
  public void linkDown() throws IOException {
    run("ip", "link", "set", INTERFACE, "down");
  }

  public void linkUp() throws IOException {
    run("ip", "link", "set", INTERFACE, "up");
  }

  /** Unplugs the host's cable at the bridge: its {@code eth0} stays up but loses carrier. */
  public void unplug() throws IOException {
    lan.ip("-n", lan.lanNamespace(), "link", "set", bridgePort, "down");
  }

  public void plug() throws IOException {
    lan.ip("-n", lan.lanNamespace(), "link", "set", bridgePort, "up");
  }

  /** The IPv4 addresses on {@code eth0}, as {@code a.b.c.d/n} strings. */
  public List<String> addresses() throws IOException {
    List<String> addresses = new ArrayList<>();
    for (String line : run("ip", "-4", "-o", "addr", "show", "dev", INTERFACE).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      for (int i = 0; i + 1 < fields.length; i++) {
        if (fields[i].equals("inet")) {
          addresses.add(fields[i + 1]);
        }
      }
    }
    return addresses;
  }

  /** Whether {@code address} (without prefix) is on {@code eth0}. */
  public boolean hasAddress(Ipv4Address address) throws IOException {
    return addresses().stream().anyMatch(a -> a.startsWith(address + "/"));
  }

  /**
   * Drops {@code percent}% of incoming packets matching the nftables expression {@code match} (e.g.
   * {@code "ip protocol vrrp"}, or "" for all), with {@code numgen random}: netem is not available
   * on these kernels. Replaces any loss rule set before.
   */
  public void injectLoss(int percent, String match) throws IOException {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("loss must be 0-100 %, got " + percent);
    }
    clearLoss();
    String rules =
        "table inet h4jloss {\n"
            + "  chain input {\n"
            + "    type filter hook input priority -10; policy accept;\n"
            + "    "
            + match
            + (percent == 100 ? "" : " numgen random mod 100 < " + percent)
            + " drop\n"
            + "  }\n"
            + "}\n";
    runWithInput(rules, "nft", "-f", "-");
  }

  /** Removes the loss rule, if any. */
  public void clearLoss() throws IOException {
    String tables = run("nft", "list", "tables");
    if (tables.contains("h4jloss")) {
      run("nft", "delete", "table", "inet", "h4jloss");
    }
  }

  /** A path for this host's files (pid files, configs) that no other host or run shares. */
  public Path file(String fileName) throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), namespace);
    Files.createDirectories(dir);
    return dir.resolve(fileName);
  }

  private List<String> inNamespace(List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    return full;
  }

  @Override
  public String toString() {
    return name + "(" + namespace + ", " + address + ")";
  }
}
