package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.track.TrackScript;
import org.ha4j.health.track.TrackedSource;
import org.ha4j.health.track.VrrpScript;
import org.ha4j.node.NodeState;
import org.ha4j.node.SystemdNotifier;
import org.ha4j.node.metrics.HealthMetrics;
import org.ha4j.node.metrics.VrrpMetrics;
import org.ha4j.vrrp.NotifyScripts;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.VrrpListener;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ha4j node}: one VRRP instance from flags, in the foreground, like {@code keepalived -n}
 * with a one-instance config. Prints every state change on stdout; SIGTERM (or Ctrl-C) stops it
 * gracefully: a MASTER sends priority 0 and removes its VIPs before the process exits with 0. USR1
 * dumps the state, USR2 the stats; HUP is logged ({@code nothing to reload}: the configuration
 * comes from flags, so a change is a restart) and the instance runs on ({@link ProcessSignals}).
 * Under systemd ({@code Type=notify}) READY=1 follows the start and STOPPING=1 begins the stop.
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
@Command(
    name = "node",
    description =
        "Run one VRRP instance (a keepalived vrrp_instance) from flags, in the foreground, until"
            + " SIGTERM or Ctrl-C.",
    footer = {
      "%nPrints one line per event on stdout (STARTED, STATE, PRIORITY, DROPPED, COUNTERS,"
          + " STOPPED). Needs CAP_NET_RAW and CAP_NET_ADMIN."
    })
final class NodeCommand extends CliCommand {

  @Option(
      names = "--interface",
      required = true,
      paramLabel = "IF",
      description = "The interface to advertise on and add the VIPs to.")
  private String interfaceName;

  @Option(
      names = "--vrid",
      required = true,
      paramLabel = "N",
      description = "The virtual router id, 1-255 (keepalived's virtual_router_id).")
  private int vrid;

  @Option(
      names = "--priority",
      required = true,
      paramLabel = "N",
      description = "1-255; 255 means this host owns the VIPs.")
  private int priority;

  @Option(
      names = "--state",
      paramLabel = "MASTER|BACKUP",
      converter = VrrpFlags.StateConverter.class,
      description = "The initial state, as keepalived's state (default: BACKUP).")
  private VrrpRouterConfig.InitialState state;

  @Option(
      names = "--vrrp-version",
      paramLabel = "2|3",
      defaultValue = "2",
      description =
          "The VRRP version (keepalived's vrrp_version): 2 (RFC 3768) or 3 (RFC 9568, sub-second"
              + " adverts, no authentication, IPv6); every router of the VRID must speak the same"
              + " one (default: ${DEFAULT-VALUE}, or 3 with IPv6 addresses).")
  private int vrrpVersion;

  @Option(
      names = "--advert-int",
      paramLabel = "T",
      defaultValue = "1s",
      description =
          "The advertisement interval, as "
              + CliTypes.DURATION_FORMS
              + ": whole seconds 1-255 under VRRPv2, 0.01-40.95 s in steps of 10ms under VRRPv3"
              + " (default: ${DEFAULT-VALUE}).")
  private Duration advertInt;

  @Option(
      names = "--auth-pass",
      paramLabel = "P",
      description = "PASS authentication with this password (default: none).")
  private String authPass;

  @Option(
      names = "--vip",
      required = true,
      paramLabel = "ADDRESS[/N]",
      converter = VrrpFlags.CidrConverter.class,
      description =
          "A virtual address, IPv4 or IPv6 (then VRRPv3 over IPv6), repeatable; all of one"
              + " family; without a prefix a /32 or /128, as in keepalived.")
  private List<IpCidr> vips;

  @Option(
      names = "--unicast-src",
      paramLabel = "IP",
      converter = VrrpFlags.AddressConverter.class,
      description =
          "Send adverts by unicast from IP to each --unicast-peer (default: multicast to"
              + " 224.0.0.18, or ff02::12 from the link-local address for IPv6).")
  private IpAddress unicastSource;

  @Option(
      names = "--unicast-peer",
      paramLabel = "IP",
      converter = VrrpFlags.AddressConverter.class,
      description =
          "A unicast peer, repeatable; adverts from anyone else are dropped (default: none).")
  private List<IpAddress> unicastPeers = List.of();

  @Option(
      names = "--nopreempt",
      description = "Do not take over from a lower-priority master (default: preempt).")
  private boolean noPreempt;

  @Option(
      names = "--preempt-delay",
      paramLabel = "T",
      defaultValue = "0s",
      description = "Wait this long before preempting, 0-1000s (default: ${DEFAULT-VALUE}).")
  private Duration preemptDelay;

  @Mixin private SharedFlags.PidFileFlag pidFlag = new SharedFlags.PidFileFlag();

  @Mixin private SharedFlags.OperationsFlags operationsFlags = new SharedFlags.OperationsFlags();

  @Option(
      names = "--track-file",
      paramLabel = "F",
      description =
          "keepalived's track_file with weight 0: FAULT while F holds a non-zero integer"
              + " (default: none).")
  private Path trackFilePath;

  @Option(
      names = "--garp-master-delay",
      paramLabel = "T",
      defaultValue = "5s",
      description =
          "Repeat the gratuitous ARPs this long after becoming MASTER, 0-1h (default:"
              + " ${DEFAULT-VALUE}).")
  private Duration garpMasterDelay;

  @Option(
      names = "--garp-master-repeat",
      paramLabel = "N",
      defaultValue = "5",
      description = "Gratuitous ARPs per announcement, 0-255 (default: ${DEFAULT-VALUE}).")
  private int garpMasterRepeat;

  @Option(
      names = "--garp-master-refresh",
      paramLabel = "T",
      defaultValue = "0s",
      description =
          "A MASTER re-announces its VIPs this often, 0-1d; 0 never (default: ${DEFAULT-VALUE}).")
  private Duration garpMasterRefresh;

  @Option(
      names = "--garp-master-refresh-repeat",
      paramLabel = "N",
      defaultValue = "1",
      description = "Gratuitous ARPs per refresh, 1-255 (default: ${DEFAULT-VALUE}).")
  private int garpMasterRefreshRepeat;

  @Option(
      names = "--notify-master",
      paramLabel = "CMD",
      description = "Run CMD on becoming MASTER (default: none).")
  private String notifyMaster;

  @Option(
      names = "--notify-backup",
      paramLabel = "CMD",
      description = "Run CMD on becoming BACKUP (default: none).")
  private String notifyBackup;

  @Option(
      names = "--notify-fault",
      paramLabel = "CMD",
      description = "Run CMD on entering FAULT (default: none).")
  private String notifyFault;

  @Option(
      names = "--notify-stop",
      paramLabel = "CMD",
      description = "Run CMD when the instance stops (default: none).")
  private String notifyStop;

  @Option(
      names = "--notify",
      paramLabel = "CMD",
      description =
          "Run CMD on every state change with keepalived's arguments: INSTANCE NAME STATE"
              + " PRIORITY (default: none).")
  private String notifyAny;

  @ArgGroup(exclusive = false, multiplicity = "0..*", heading = "%nTracked scripts:%n")
  private List<TrackScriptFlags> trackScripts = new ArrayList<>();

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    List<VrrpScript> scripts =
        TrackScriptFlags.scripts(trackScripts, spec.commandLine().getParseResult().originalArgs());
    List<IpAddress> addresses = new ArrayList<>(unicastPeers);
    vips.forEach(vip -> addresses.add(vip.address()));
    if (unicastSource != null) {
      addresses.add(unicastSource);
    }
    int version =
        VrrpFlags.version(
            CliTypes.within(vrrpVersion, "--vrrp-version", 2, 3),
            spec.commandLine().getParseResult().hasMatchedOption("--vrrp-version"),
            addresses);
    VrrpInstance.Builder builder =
        VrrpInstance.builder()
            .interfaceName(interfaceName(interfaceName))
            .virtualRouterId(CliTypes.within(vrid, "--vrid", 1, 255))
            .priority(CliTypes.within(priority, "--priority", 1, 255))
            .version(version)
            .advertInterval(VrrpFlags.advertInterval(version, advertInt));
    if (state != null) {
      builder.initialState(state);
    }
    if (authPass != null) {
      if (authPass.isEmpty()) {
        throw new UsageException("--auth-pass must not be empty");
      }
      builder.authPassword(authPass);
    }
    for (IpCidr vip : vips) {
      if (vip.address().isIpv6()) {
        builder.ipv6VirtualAddress(vip);
      } else {
        builder.virtualAddress(
            new VirtualAddress(
                new Ipv4Cidr(Ipv4Address.ofBytes(vip.address().toBytes(), 0), vip.prefixLength()),
                null));
      }
    }
    if (unicastSource != null && unicastPeers.isEmpty()) {
      throw new UsageException("--unicast-src needs at least one --unicast-peer");
    }
    if (unicastSource != null) {
      builder.unicastSource(unicastSource);
    }
    for (IpAddress peer : unicastPeers) {
      builder.unicastPeer(peer);
    }
    builder
        .preempt(!noPreempt)
        .preemptDelay(
            CliTypes.within(
                preemptDelay, "--preempt-delay", Duration.ZERO, Duration.ofSeconds(1000)))
        .garpMasterDelay(
            CliTypes.within(
                garpMasterDelay, "--garp-master-delay", Duration.ZERO, Duration.ofHours(1)))
        .garpMasterRepeat(CliTypes.within(garpMasterRepeat, "--garp-master-repeat", 0, 255))
        .garpMasterRefresh(
            CliTypes.within(
                garpMasterRefresh, "--garp-master-refresh", Duration.ZERO, Duration.ofDays(1)))
        .garpMasterRefreshRepeat(
            CliTypes.within(garpMasterRefreshRepeat, "--garp-master-refresh-repeat", 1, 255));
    NotifyScripts notify = NotifyScripts.none();
    if (notifyMaster != null) {
      notify = notify.withMaster(notifyMaster);
    }
    if (notifyBackup != null) {
      notify = notify.withBackup(notifyBackup);
    }
    if (notifyFault != null) {
      notify = notify.withFault(notifyFault);
    }
    if (notifyStop != null) {
      notify = notify.withStop(notifyStop);
    }
    if (notifyAny != null) {
      notify = notify.withNotify(notifyAny);
    }
    builder.notifyScripts(notify);
    FileHealth trackFile = null;
    if (trackFilePath != null) {
      trackFile = new FileHealth(trackFilePath);
      builder.track(trackFile, 0);
    }
    HealthChecks checks = scripts.isEmpty() ? null : HealthChecks.create();
    for (VrrpScript script : scripts) {
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
    List<String> virtualAddresses = vips.stream().map(Object::toString).toList();
    NodeOperations operations =
        new NodeOperations(
            operationsFlags,
            () ->
                new NodeState(
                    Instant.now(),
                    List.of(new NodeState.Instance(instance.snapshot(), virtualAddresses)),
                    null,
                    checks == null
                        ? List.of()
                        : checks.probes().stream().map(NodeState.ProbeState::of).toList()),
            List.of(
                new VrrpMetrics(() -> List.of(instance)),
                new HealthMetrics(checks == null ? List::of : checks::probes)),
            () -> 0,
            console::println);
    Lifecycle supervised = SystemdNotifier.fromEnvironment().supervise(operations.around(instance));
    // Caught before the start, so a TERM during it still ends in a graceful stop.
    ProcessSignals signals = ProcessSignals.install(console::println);
    try {
      supervised.start();
    } catch (Exception | Error e) {
      closeQuietly(checks);
      throw e;
    }
    signals.operatorActions(operations::reopenLogsAndDumpState, operations::dumpStats);
    signals.nothingToReload("node takes its configuration from flags");
    PidFile pid = null;
    try {
      pid = pidFlag.pidfile == null ? null : PidFile.write(pidFlag.pidfile);
      VrrpInstanceSnapshot started = instance.snapshot();
      console.println(
          "STARTED "
              + instance.name()
              + " on "
              + interfaceName
              + " from "
              + started.sourceAddress()
              + " priority "
              + started.basePriority());
      signals.awaitStop();
    } finally {
      supervised.stop();
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
