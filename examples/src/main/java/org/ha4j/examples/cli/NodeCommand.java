package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.track.TrackScript;
import org.ha4j.health.track.TrackedSource;
import org.ha4j.health.track.VrrpScript;
import org.ha4j.vrrp.NotifyScripts;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.VrrpListener;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * {@code ./ha4j node}: one VRRP instance from flags, in the foreground, like {@code keepalived -n}
 * with a one-instance config. Prints every state change on stdout; SIGTERM (or Ctrl-C) stops it
 * gracefully: a MASTER sends priority 0 and removes its VIPs before the process exits with 0. HUP,
 * USR1 and USR2 are logged and ignored ({@link ProcessSignals}).
 *
 * <p>Output lines (stdout, one per event, stable for scripts):
 *
 * <pre>
 * STARTED VI_51 on eth0 from 10.200.0.11 priority 100
 * STATE INITIALIZE -> BACKUP (reason) t=1764136000123456      t: wall clock, epoch microseconds
 * PRIORITY 100 -> 80 (...)
 * DROPPED TTL_NOT_255 from 10.200.0.66 (1 so far)     first drop per reason, then every 100th
 * COUNTERS {...}                                      on exit
 * STOPPED
 * </pre>
 */
final class NodeCommand implements Subcommand {

  private static final Set<String> WITH_VALUE =
      Set.of(
          "interface",
          "vrid",
          "priority",
          "state",
          "advert-int",
          "auth-pass",
          "vip",
          "unicast-src",
          "unicast-peer",
          "preempt-delay",
          "pidfile",
          "track-file",
          "garp-master-delay",
          "garp-master-repeat",
          "garp-master-refresh",
          "garp-master-refresh-repeat",
          "notify-master",
          "notify-backup",
          "notify-fault",
          "notify-stop",
          "notify");
  private static final Set<String> SWITCHES = Set.of("nopreempt");

  @Override
  public String name() {
    return "node";
  }

  @Override
  public String summary() {
    return "run one VRRP instance (a keepalived vrrp_instance) from flags, in the foreground";
  }

  @Override
  public String usage() {
    return "node --interface IF --vrid N --priority N [--state MASTER|BACKUP] [--advert-int S] [--auth-pass P]"
        + " --vip A.B.C.D[/N] [--vip ...] [--unicast-src IP --unicast-peer IP ...] [--nopreempt]"
        + " [--preempt-delay S] [--pidfile F] [--track-file F] [--garp-master-delay S] [--garp-master-repeat N]"
        + " [--garp-master-refresh S] [--garp-master-refresh-repeat N]"
        + " [--notify-master CMD] [--notify-backup CMD] [--notify-fault CMD] [--notify-stop CMD] [--notify CMD]"
        + " [--track-script CMD [--track-weight W] [--track-interval S] [--track-timeout S] [--track-rise N]"
        + " [--track-fall N]] ...";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    // keepalived's vrrp_script as flags; each --track-* modifier applies to the --track-script
    // before it
    TrackScript.Flags trackScripts;
    try {
      trackScripts = TrackScript.parseFlags(args);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Flags flags = Flags.parse(trackScripts.remaining(), WITH_VALUE, SWITCHES);
    if (!flags.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + flags.positional().get(0) + "'");
    }
    VrrpInstance.Builder builder =
        VrrpInstance.builder().interfaceName(interfaceName(flags.required("interface")));
    int vrid = flags.intValue("vrid", 0, 1, 255);
    if (!flags.has("vrid")) {
      throw new UsageException("--vrid is required");
    }
    if (!flags.has("priority")) {
      throw new UsageException("--priority is required");
    }
    builder.virtualRouterId(vrid).priority(flags.intValue("priority", 100, 1, 255));
    if (flags.has("state")) {
      String state = flags.required("state").toUpperCase(Locale.ROOT);
      switch (state) {
        case "MASTER" -> builder.initialState(VrrpRouterConfig.InitialState.MASTER);
        case "BACKUP" -> builder.initialState(VrrpRouterConfig.InitialState.BACKUP);
        default ->
            throw new UsageException(
                "--state must be MASTER or BACKUP, got '" + flags.required("state") + "'");
      }
    }
    builder.advertIntervalSeconds(flags.intValue("advert-int", 1, 1, 255));
    if (flags.has("auth-pass")) {
      String password = flags.required("auth-pass");
      if (password.isEmpty()) {
        throw new UsageException("--auth-pass must not be empty");
      }
      builder.authPassword(password);
    }
    List<String> vips = flags.all("vip");
    if (vips.isEmpty()) {
      throw new UsageException("at least one --vip A.B.C.D[/N] is required");
    }
    for (String vip : vips) {
      builder.virtualAddress(new VirtualAddress(parse(vip, "--vip", Ipv4Cidr::parse), null));
    }
    List<String> peers = flags.all("unicast-peer");
    if (flags.has("unicast-src") && peers.isEmpty()) {
      throw new UsageException("--unicast-src needs at least one --unicast-peer");
    }
    if (flags.has("unicast-src")) {
      builder.unicastSource(
          parse(flags.required("unicast-src"), "--unicast-src", Ipv4Address::parse));
    }
    for (String peer : peers) {
      builder.unicastPeer(parse(peer, "--unicast-peer", Ipv4Address::parse));
    }
    if (flags.has("nopreempt")) {
      builder.preempt(false);
    }
    if (flags.has("preempt-delay")) {
      builder.preemptDelay(Duration.ofSeconds(flags.intValue("preempt-delay", 0, 0, 1000)));
    }
    if (flags.has("garp-master-delay")) {
      builder.garpMasterDelay(Duration.ofSeconds(flags.intValue("garp-master-delay", 5, 0, 3600)));
    }
    if (flags.has("garp-master-repeat")) {
      builder.garpMasterRepeat(flags.intValue("garp-master-repeat", 5, 0, 255));
    }
    if (flags.has("garp-master-refresh")) {
      builder.garpMasterRefresh(
          Duration.ofSeconds(flags.intValue("garp-master-refresh", 0, 0, 86400)));
    }
    if (flags.has("garp-master-refresh-repeat")) {
      builder.garpMasterRefreshRepeat(flags.intValue("garp-master-refresh-repeat", 1, 1, 255));
    }
    NotifyScripts scripts = NotifyScripts.none();
    if (flags.has("notify-master")) {
      scripts = scripts.withMaster(flags.required("notify-master"));
    }
    if (flags.has("notify-backup")) {
      scripts = scripts.withBackup(flags.required("notify-backup"));
    }
    if (flags.has("notify-fault")) {
      scripts = scripts.withFault(flags.required("notify-fault"));
    }
    if (flags.has("notify-stop")) {
      scripts = scripts.withStop(flags.required("notify-stop"));
    }
    if (flags.has("notify")) {
      scripts = scripts.withNotify(flags.required("notify"));
    }
    builder.notifyScripts(scripts);
    FileHealth trackFile = null;
    if (flags.has("track-file")) {
      trackFile = new FileHealth(Path.of(flags.required("track-file")));
      builder.track(trackFile, 0);
    }
    Path pidfile = flags.single("pidfile").map(Path::of).orElse(null);
    HealthChecks checks = trackScripts.scripts().isEmpty() ? null : HealthChecks.create();
    for (VrrpScript script : trackScripts.scripts()) {
      TrackedSource tracked = TrackScript.start(script, checks);
      builder.track(tracked.source(), tracked.weight());
    }

    PrintStream console = new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    VrrpInstance instance;
    try {
      instance = builder.listener(new ConsoleListener(console)).build();
    } catch (IllegalArgumentException e) {
      closeQuietly(checks);
      throw new UsageException(e.getMessage());
    }
    // Caught before the start, so a TERM during it still ends in a graceful stop.
    ProcessSignals signals = ProcessSignals.install(console::println);
    try {
      instance.start();
    } catch (IOException | RuntimeException e) {
      closeQuietly(checks);
      throw e;
    }
    PidFile pid = null;
    try {
      pid = pidfile == null ? null : PidFile.write(pidfile);
      VrrpInstanceSnapshot started = instance.snapshot();
      console.println(
          "STARTED "
              + instance.name()
              + " on "
              + flags.required("interface")
              + " from "
              + started.sourceAddress()
              + " priority "
              + started.basePriority());
      signals.awaitStop();
    } finally {
      instance.stop();
      closeQuietly(checks);
      console.println("COUNTERS " + counters(instance.snapshot()));
      if (pid != null) {
        pid.close();
      }
      if (trackFile != null) {
        try {
          trackFile.close();
        } catch (IOException e) {
          console.println("WARNING --track-file watcher: " + e.getMessage());
        }
      }
      console.println("STOPPED");
    }
    return Ha4jCommandLine.EXIT_OK;
  }

  /** Stops the track scripts (killing any still running); null when there are none. */
  private static void closeQuietly(HealthChecks checks) {
    if (checks != null) {
      checks.close();
    }
  }

  private static String counters(VrrpInstanceSnapshot snapshot) {
    return "state="
        + snapshot.state()
        + " priority="
        + snapshot.effectivePriority()
        + " sent="
        + snapshot.advertsSent()
        + " received="
        + snapshot.advertsReceived()
        + " dropped="
        + snapshot.droppedPackets()
        + " send_failures="
        + snapshot.sendFailures();
  }

  private static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private static String interfaceName(String name) throws UsageException {
    if (name.isEmpty() || name.length() > 15 || name.contains("/")) {
      throw new UsageException(
          "--interface must be an interface name of 1-15 characters, got '" + name + "'");
    }
    return name;
  }

  private interface Parser<T> {
    T parse(String text);
  }

  private static <T> T parse(String text, String flag, Parser<T> parser) throws UsageException {
    try {
      return parser.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  /**
   * Prints events for people and scripts; runs on the instance's protocol thread, so it only
   * prints.
   */
  private static final class ConsoleListener implements VrrpListener {
    private final PrintStream out;
    private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();

    ConsoleListener(PrintStream out) {
      this.out = out;
    }

    @Override
    public void onStateChange(VrrpInstance instance, VrrpState from, VrrpState to, String reason) {
      out.println("STATE " + from + " -> " + to + " (" + reason + ") t=" + epochMicros());
    }

    @Override
    public void onPriorityChange(VrrpInstance instance, int from, int to, String reason) {
      out.println("PRIORITY " + from + " -> " + to + " (" + reason + ")");
    }

    @Override
    public void onPacketDropped(VrrpInstance instance, String reason, Ipv4Address source) {
      long count = drops.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
      if (count == 1 || count % 100 == 0) {
        out.println("DROPPED " + reason + " from " + source + " (" + count + " so far)");
      }
    }
  }
}
