package org.ha4j.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's section 2.5, played for real: the story driver of {@code ./ha4j demo}. It runs inside
 * the client namespace (so its HTTP requests come from the client's address) and starts the
 * backends and the two load-balancer nodes in their namespaces with {@code ip netns exec}.
 *
 * <pre>
 * ip netns exec PREFIXclient java -cp ha4j.jar org.ha4j.examples.demo.DemoStory PREFIX SUBNET SEED_DIR WORK_DIR
 * </pre>
 *
 * Every check prints {@code [ok]} or {@code [FAILED]}; the exit status is 0 when all passed.
 */
public final class DemoStory {

  private static final Pattern BACKEND_NAME = Pattern.compile("APP0[12]");
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(100);

  private final PrintStream out;
  private final DemoNetwork.View net;
  private final Path seedDir;
  private final Path workDir;
  private final List<Process> processes = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private int failures;

  DemoStory(PrintStream out, DemoNetwork.View net, Path seedDir, Path workDir) {
    this.out = out;
    this.net = net;
    this.seedDir = seedDir;
    this.workDir = workDir;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: DemoStory PREFIX SUBNET SEED_DIR WORK_DIR");
      System.exit(2);
    }
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    DemoStory story =
        new DemoStory(
            out, new DemoNetwork.View(args[0], args[1]), Path.of(args[2]), Path.of(args[3]));
    int status;
    try {
      status = story.play();
    } finally {
      story.stopAll();
    }
    System.exit(status);
  }

  // ------------------------------------------------------------------------------------------ the
  // story

  int play() throws Exception {
    Files.createDirectories(workDir);
    Path lb1Log = workDir.resolve("lb1-tomcat-access.log");
    Path lb2Log = workDir.resolve("lb2-tomcat-access.log");
    section("Setting up: the seed's files, adapted");
    Path lb1Conf =
        adapt(seedDir.resolve("lb1/keepalived.conf"), workDir.resolve("lb1-keepalived.conf"), null);
    Path lb2Conf =
        adapt(seedDir.resolve("lb2/keepalived.conf"), workDir.resolve("lb2-keepalived.conf"), null);
    Path lb1Nginx = adapt(seedDir.resolve("nginx.conf"), workDir.resolve("lb1-nginx.conf"), lb1Log);
    Path lb2Nginx = adapt(seedDir.resolve("nginx.conf"), workDir.resolve("lb2-nginx.conf"), lb2Log);
    say(
        "interface ens3 -> eth0 (the namespaces' interface)"
            + (net.subnet().equals(DemoNetwork.SEED_SUBNET)
                ? ""
                : "; 192.168.122.x -> " + net.subnet() + ".x"));
    say(
        "access_log /var/log/nginx/tomcat-access.log -> "
            + lb1Log
            + " (LB1) and "
            + lb2Log
            + " (LB2)");
    say(
        "everything else as the seed wrote it; nodes run with --proxy-health-replaces check_nginx, since"
            + " /etc/nginx/check_nginx.sh does not exist here: the in-process proxy's health replaces it");

    section("Starting APP01 and APP02 (embedded Tomcat) and the two load balancers (ha4j run)");
    Process app01 =
        start(
            "app01",
            List.of(
                javaCommand(),
                "-cp",
                classpath(),
                "org.ha4j.examples.backend.TomcatBackend",
                "APP01",
                net.address("app01"),
                "8080"),
            "APP01");
    Process app02 =
        start(
            "app02",
            List.of(
                javaCommand(),
                "-cp",
                classpath(),
                "org.ha4j.examples.backend.TomcatBackend",
                "APP02",
                net.address("app02"),
                "8080"),
            "APP02");
    Node lb1 = startNode("lb1", lb1Conf, lb1Nginx);
    Node lb2 = startNode("lb2", lb2Conf, lb2Nginx);
    awaitLine(app01, "serving on", Duration.ofSeconds(60));
    awaitLine(app02, "serving on", Duration.ofSeconds(60));
    lb1.await("STARTED", Duration.ofSeconds(60));
    lb2.await("STARTED", Duration.ofSeconds(60));

    say(
        "warming up (JIT): 20 requests to each load balancer's own address, so the measurements below show"
            + " failover, not a cold JVM");
    for (String lb : List.of("lb1", "lb2")) {
      for (int i = 0; i < 20; i++) {
        get(net.address(lb), Duration.ofSeconds(5));
      }
    }

    section("2.5.1 The VIP is on LB1");
    boolean onLb1 = await(() -> holds("lb1") && !holds("lb2"), Duration.ofSeconds(15));
    say("$ ip -n " + net.namespace("lb1") + " -4 addr show dev eth0");
    for (String line : net.addresses("lb1").split("\n")) {
      // -o puts each address on one line; what follows the backslash is lifetimes, as in the seed's
      // "ip a"
      say("  " + line.replaceAll("\\\\.*", "").replaceAll("\\s+", " ").strip());
    }
    check(
        onLb1,
        "LB1 holds "
            + net.vip()
            + " (it became MASTER after its Master_Down_Interval, 3.609 s);"
            + " LB2 does not");

    section("2.5.3 Requests through the VIP alternate between APP01 and APP02");
    int lb1Warm = lines(lb1Log).size();
    List<String> served = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Optional<String> name = get(net.vip(), Duration.ofSeconds(5));
      say("GET http://" + net.vip() + ":8080/ -> " + name.orElse("(no answer)"));
      served.add(name.orElse("-"));
    }
    boolean alternates = served.stream().noneMatch("-"::equals);
    for (int i = 1; i < served.size(); i++) {
      alternates &= !served.get(i).equals(served.get(i - 1));
    }
    check(alternates, "round robin: " + served);
    boolean logged = await(() -> lines(lb1Log).size() >= lb1Warm + 6, Duration.ofSeconds(5));
    List<String> logLines = lines(lb1Log);
    List<String> viaVip = logLines.subList(Math.min(lb1Warm, logLines.size()), logLines.size());
    say(
        "LB1's access log ("
            + lb1Log
            + "), the seed's log_format main (the "
            + lb1Warm
            + " warm-up lines before these not shown):");
    viaVip.forEach(l -> say("  " + l));
    check(
        logged
            && viaVip.stream()
                .allMatch(
                    l ->
                        l.matches(
                            Pattern.quote(net.address("client"))
                                + " \\S+:8080 - \\[[^]]+\\] 200 \\d+")),
        "every request is in LB1's access log as '$remote_addr $upstream_addr - [$time_local] $status"
            + " $upstream_bytes_sent'");

    section("2.5.2 LB1's proxy stops (the seed's 'systemctl stop nginx'): the VIP moves to LB2");
    say(
        "a client in "
            + net.namespace("client")
            + " probes http://"
            + net.vip()
            + ":8080/ every 10 ms");
    Probe probe = new Probe();
    probe.start();
    await(() -> probe.successes() >= 20, Duration.ofSeconds(5));
    int lb2Warm = lines(lb2Log).size();
    long stopAt = System.nanoTime();
    lb1.command("proxy stop");
    boolean moved = await(() -> holds("lb2") && !holds("lb1"), Duration.ofSeconds(10));
    await(() -> probe.successesAfter(stopAt) >= 50, Duration.ofSeconds(10));
    check(moved, "LB2 holds the VIP, LB1 does not");
    Outage failover = probe.outageAround(stopAt);
    say(failover.describe("proxy stopped on LB1"));
    int lb2Served = lines(lb2Log).size() - lb2Warm;
    check(
        failover.servedAfter() && lb2Served > 0,
        "the client keeps being served, now through LB2 ("
            + lb2Served
            + " new lines in LB2's access log)");

    section("LB1's proxy returns (the seed's 'systemctl start nginx'): LB1 takes the VIP back");
    long returnAt = System.nanoTime();
    lb1.command("proxy start");
    boolean back = await(() -> holds("lb1") && !holds("lb2"), Duration.ofSeconds(15));
    check(back, "LB1 holds the VIP again (priority 100 > 90: it preempts LB2), LB2 does not");
    long settle = System.nanoTime();
    await(() -> probe.successesAfter(settle) >= 30, Duration.ofSeconds(5));
    probe.stop();
    Outage takeback = probe.outageAround(returnAt);
    say(takeback.describe("proxy back on LB1"));
    check(takeback.servedAfter(), "the client is served through LB1 again");

    section("The nodes' own account (their stdout)");
    lb1.events().forEach(l -> say("  LB1 | " + l));
    lb2.events().forEach(l -> say("  LB2 | " + l));
    say(
        probe.total()
            + " probes: "
            + probe.successes()
            + " answered, "
            + (probe.total() - probe.successes())
            + " not");

    section(
        "Stopping: both nodes stop gracefully (console 'stop', as SIGTERM does), then the backends");
    lb1.command("stop");
    lb2.command("stop");
    check(
        lb1.awaitExit(Duration.ofSeconds(20)) && lb2.awaitExit(Duration.ofSeconds(20)),
        "both nodes stopped gracefully (VIP handed over, then the proxy drained)");
    app01.destroy();
    app02.destroy();
    out.println();
    out.println(
        failures == 0
            ? "demo: the seed's story played out: every check passed"
            : "demo: " + failures + " check(s) FAILED");
    return failures == 0 ? 0 : 1;
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  private boolean holds(String host) {
    try {
      return net.holdsVip(host);
    } catch (IOException e) {
      return false;
    }
  }

  /** The seed's file with only the interface name (and access log path, subnet) changed. */
  private Path adapt(Path from, Path to, Path accessLog) throws IOException {
    String text = Files.readString(from, StandardCharsets.UTF_8);
    text = text.replaceAll("(?m)^(\\s*interface\\s+)ens3\\b", "$1eth0");
    if (accessLog != null) {
      text = text.replace("/var/log/nginx/tomcat-access.log", accessLog.toString());
    }
    if (!net.subnet().equals(DemoNetwork.SEED_SUBNET)) {
      text = text.replace(DemoNetwork.SEED_SUBNET + ".", net.subnet() + ".");
    }
    Files.writeString(to, text, StandardCharsets.UTF_8);
    return to;
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private void say(String line) {
    out.printf(Locale.ROOT, "%8.3f s  %s%n", (System.nanoTime() - startNanos) / 1e9, line);
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      failures++;
    }
    say((ok ? "[ok] " : "[FAILED] ") + what);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Polls a condition every 20 ms up to a bound; false when the bound passes. */
  private static boolean await(BooleanSupplier condition, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20); // polling interval of a bounded wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * One HTTP/1.0 GET through the VIP from this (the client's) namespace: the backend's name, if
   * answered.
   */
  private static Optional<String> get(String address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, 8080), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream o = socket.getOutputStream();
      o.write(
          ("GET / HTTP/1.0\r\nHost: " + address + ":8080\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      o.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = BACKEND_NAME.matcher(response);
      return response.startsWith("HTTP/1.1 200") && m.find()
          ? Optional.of(m.group())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classpath() {
    return System.getProperty("java.class.path");
  }

  private Process start(String host, List<String> command, String label) throws IOException {
    Process p = new ProcessBuilder(net.exec(host, command)).redirectErrorStream(true).start();
    processes.add(p);
    say(
        "started "
            + label
            + " in "
            + net.namespace(host)
            + " ("
            + net.address(host)
            + "), pid "
            + p.pid());
    return p;
  }

  private static void awaitLine(Process p, String text, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.contains(text)) {
        Thread drain = new Thread(() -> drain(in), "demo-drain-" + p.pid());
        drain.setDaemon(true);
        drain.start();
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    throw new IOException(
        "pid " + p.pid() + " did not print '" + text + "' (exited: " + !p.isAlive() + ")");
  }

  private static void drain(BufferedReader in) {
    try {
      while (in.readLine() != null) {
        // keep the pipe empty so the backend never blocks on its output
      }
    } catch (IOException e) {
      // process gone
    }
  }

  private Node startNode(String host, Path keepalived, Path nginx) throws IOException {
    Process p =
        start(
            host,
            List.of(
                javaCommand(),
                "-cp",
                classpath(),
                "org.ha4j.examples.cli.Ha4jCommandLine",
                "run",
                "--keepalived",
                keepalived.toString(),
                "--nginx",
                nginx.toString(),
                "--proxy-health-replaces",
                "check_nginx",
                "--drain-timeout",
                "2",
                "--console"),
            host.toUpperCase(Locale.ROOT) + " (ha4j run)");
    return new Node(p);
  }

  void stopAll() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A running {@code ha4j run --console}: its event lines, and a way to type commands into it. */
  private static final class Node {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Writer console;

    Node(Process process) {
      this.process = process;
      this.console =
          new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader =
          new Thread(() -> read(process.getInputStream()), "demo-node-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private void read(InputStream in) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // process gone
      }
    }

    void await(String prefix, Duration bound) throws IOException {
      if (!DemoStory.await(
              () -> lines.stream().anyMatch(l -> l.startsWith(prefix)) || !process.isAlive(), bound)
          || !process.isAlive()) {
        throw new IOException(
            "node pid "
                + process.pid()
                + " did not print "
                + prefix
                + "; its output:\n  "
                + String.join("\n  ", lines));
      }
    }

    void command(String command) throws IOException {
      console.write(command + "\n");
      console.flush();
    }

    boolean awaitExit(Duration bound) throws InterruptedException {
      return process.waitFor(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** State changes, proxy events and starts/stops, without the banner. */
    List<String> events() {
      return lines.stream()
          .filter(l -> l.matches("(STATE|PRIORITY|PROXY|STARTED|STOPPED|CONSOLE) .*"))
          .toList();
    }
  }

  /** The client's probe: a fresh connection and GET every 10 ms, each answer's time recorded. */
  private final class Probe {
    private final List<long[]> results =
        new CopyOnWriteArrayList<>(); // {sentNanos, doneNanos, ok 0/1}
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::loop, "demo-probe");

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(2000);
    }

    private void loop() {
      long next = System.nanoTime();
      while (running) {
        long sent = System.nanoTime();
        boolean ok = get(net.vip(), PROBE_TIMEOUT).isPresent();
        results.add(new long[] {sent, System.nanoTime(), ok ? 1 : 0});
        next += 10_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L)); // the probing period
          } catch (InterruptedException e) {
            return;
          }
        } else {
          next = System.nanoTime();
        }
      }
    }

    int total() {
      return results.size();
    }

    int successes() {
      return (int) results.stream().filter(r -> r[2] == 1).count();
    }

    int successesAfter(long nanos) {
      return (int) results.stream().filter(r -> r[2] == 1 && r[0] > nanos).count();
    }

    long lastSuccessNanos() {
      long last = 0;
      for (long[] r : results) {
        if (r[2] == 1) {
          last = Math.max(last, r[1]);
        }
      }
      return last;
    }

    /** The longest run of unanswered probes sent after {@code event}, measured answer to answer. */
    Outage outageAround(long event) {
      List<long[]> after = results.stream().filter(r -> r[0] >= event).toList();
      long lastOkBefore =
          results.stream()
              .filter(r -> r[0] < event && r[2] == 1)
              .mapToLong(r -> r[1])
              .max()
              .orElse(event);
      long worstGap = 0;
      long gapStart = lastOkBefore;
      int failed = 0;
      boolean servedAfter = false;
      for (long[] r : after) {
        if (r[2] == 1) {
          worstGap = Math.max(worstGap, r[1] - gapStart);
          gapStart = r[1];
          servedAfter = true;
        } else {
          failed++;
        }
      }
      return new Outage(failed, failed == 0 ? 0 : worstGap, servedAfter, after.size());
    }
  }

  private record Outage(int failedProbes, long gapNanos, boolean servedAfter, int probes) {
    String describe(String event) {
      if (failedProbes == 0) {
        return "after '"
            + event
            + "': "
            + probes
            + " probes, every one answered (no outage seen at 10 ms)";
      }
      return String.format(
          Locale.ROOT,
          "after '%s': outage %d ms (longest time between two answers), %d of %d"
              + " probes unanswered",
          event,
          gapNanos / 1_000_000,
          failedProbes,
          probes);
    }
  }
}
