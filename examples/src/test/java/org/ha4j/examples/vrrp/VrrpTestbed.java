package org.ha4j.examples.vrrp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.core.testing.netns.TcpNameServer;
import org.ha4j.core.testing.netns.TcpProbe;

/**
 * The reference topology on a namespace LAN: lb1 (10.200.0.11), lb2 (10.200.0.12), a client
 * (10.200.0.2), VIP 10.200.0.100/24, each LB answering on :8080 with its own name, nodes as
 * separate JVMs running {@code ha4j node}.
 */
public final class VrrpTestbed implements AutoCloseable {

  static final String VIP = "10.200.0.100";
  static final int PORT = 8080;
  static final Duration START = Duration.ofSeconds(30);

  final NetnsLan lan;
  final NetnsHost lb1;
  final NetnsHost lb2;
  final NetnsHost client;

  VrrpTestbed() throws IOException {
    lan = NetnsLan.create();
    try {
      lb1 = lan.addHost("lb1", 11);
      lb2 = lan.addHost("lb2", 12);
      client = lan.addHost("client", 2);
    } catch (IOException | RuntimeException e) {
      lan.close();
      throw e;
    }
  }

  /**
   * {@code node} with the reference deployment's settings: VRID 51, advert_int 1, PASS 1111, the
   * VIP (10.200.0.100/24) on eth0.
   */
  public static List<String> referenceFlags(int priority, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--interface",
                "eth0",
                "--vrid",
                "51",
                "--priority",
                Integer.toString(priority),
                "--advert-int",
                "1",
                "--auth-pass",
                "1111",
                "--vip",
                VIP + "/24"));
    args.addAll(List.of(extra));
    return args;
  }

  NetnsProcess startNode(NetnsHost host, int priority, String... extra) throws IOException {
    List<String> args = referenceFlags(priority, extra);
    NetnsProcess node =
        host.start(
            NetnsHost.javaCommand(
                "org.ha4j.examples.cli.Ha4jCommandLine", args.toArray(String[]::new)));
    node.awaitOutput(out -> out.contains("STARTED"), START, "node start");
    return node;
  }

  /**
   * {@code ha4j run} on {@code host} with {@code keepalivedConf} and a one-listener proxy (copy
   * relay), once it has started {@code lastInstance}.
   */
  static NetnsProcess startRun(NetnsHost host, Path keepalivedConf, String lastInstance)
      throws IOException {
    Path nginxConf = host.file("nginx.conf");
    Files.writeString(
        nginxConf,
        "stream {\n    upstream app { server 127.0.0.1:9; }\n"
            + "    server {\n        listen 8080;\n        proxy_pass app;\n    }\n}\n");
    NetnsProcess ha4j =
        host.start(
            NetnsHost.javaCommand(
                "org.ha4j.examples.cli.Ha4jCommandLine",
                "run",
                "--keepalived",
                keepalivedConf.toString(),
                "--nginx",
                nginxConf.toString(),
                "--relay",
                "copy"));
    ha4j.awaitOutput(out -> out.contains("STARTED " + lastInstance), START, "node start");
    return ha4j;
  }

  /** The hosts of the LAN that hold {@code vip} now. */
  List<NetnsHost> holders(Ipv4Address vip) {
    List<NetnsHost> holders = new ArrayList<>();
    for (NetnsHost host : List.of(lb1, lb2, client)) {
      try {
        if (host.hasAddress(vip)) {
          holders.add(host);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return holders;
  }

  NetnsProcess startNameServer(NetnsHost host) throws IOException {
    NetnsProcess server =
        host.start(
            NetnsHost.javaCommand(
                TcpNameServer.class.getName(), Integer.toString(PORT), host.name()));
    server.awaitOutput(out -> out.contains("listening"), START, "name server");
    return server;
  }

  /** Probes VIP:8080 from the client every 10 ms for {@code millis}. */
  NetnsProcess startProbe(long millis) throws IOException {
    return client.start(
        NetnsHost.javaCommand(
            TcpProbe.class.getName(),
            VIP,
            Integer.toString(PORT),
            "10",
            "300",
            Long.toString(millis)));
  }

  /** Who answers on VIP:8080 now, e.g. "OK lb1". */
  String ask() throws IOException {
    return client.ask(VIP, PORT, 1000);
  }

  /**
   * Waits until {@code node} reports entering {@code state} at least {@code times} times in all.
   */
  public static String awaitState(NetnsProcess node, String state, int times, Duration timeout) {
    return node.awaitOutput(
        out -> count(out, "-> " + state + " ") >= times,
        timeout,
        "-> " + state + " (#" + times + ")");
  }

  public static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static final Pattern STATE_LINE =
      Pattern.compile("STATE (\\w+) -> (\\w+) \\(.*\\) t=(\\d+)");

  /** The wall-clock time (epoch µs) of the {@code n}-th (1-based) transition into {@code state}. */
  static long transitionTime(NetnsProcess node, String state, int n) {
    Matcher m = STATE_LINE.matcher(node.output());
    int seen = 0;
    while (m.find()) {
      if (m.group(2).equals(state) && ++seen == n) {
        return Long.parseLong(m.group(3));
      }
    }
    throw new AssertionError("no transition #" + n + " into " + state + " in:\n" + node.output());
  }

  /** One probe result: sent/done in epoch µs, and "OK lb2" or "FAIL ...". */
  record Probe(long sent, long done, String result) {
    boolean ok() {
      return result.startsWith("OK");
    }
  }

  static List<Probe> probes(NetnsProcess probe) {
    List<Probe> probes = new ArrayList<>();
    for (String line : probe.output().split("\n")) {
      String[] fields = line.trim().split(" ", 3);
      if (fields.length == 3 && fields[0].matches("\\d+")) {
        probes.add(new Probe(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2]));
      }
    }
    probes.sort(java.util.Comparator.comparingLong(Probe::sent));
    return probes;
  }

  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  @Override
  public void close() {
    lan.close();
  }
}
