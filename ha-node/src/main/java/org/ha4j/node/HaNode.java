package org.ha4j.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.CommandLine;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.HealthSource;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load-balancer node of the reference deployment from its own two files: keepalived.conf's {@code
 * vrrp_instance}s and nginx.conf's {@code stream {}} in one process, what {@code ./ha4j run} runs.
 *
 * <pre>{@code
 * HaNode node = HaNode.fromFiles(Path.of("keepalived.conf"), Path.of("nginx.conf"),
 *         NodeOptions.defaults(System.out::println));   // ConfigException: every file:line problem
 * node.start();
 * ...
 * node.reload();            // the files again, applied in place; ConfigException: nothing changed
 * ...
 * node.stop();                                          // VIPs handed over, proxy drained, scripts stopped
 * }</pre>
 *
 * <p>Every VRRP instance also tracks the in-process proxy's health (weight 0: FAULT while the proxy
 * is down or has no backend), which is what the seed's {@code check_nginx.sh} tried to approximate;
 * a {@code vrrp_script} named in {@link NodeOptions#proxyHealthReplaces()} is not run at all. Other
 * scripts run as keepalived runs them.
 *
 * <p>Start order: scripts, proxy, VRRP instances (the node listens before it can claim a VIP). Stop
 * order, the same for every node ({@link #builder()} too): VRRP instances (priority-0
 * advertisement, VIPs removed), then the proxy drains, then the scripts stop. Thread-safe.
 */
public final class HaNode implements Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(HaNode.class);

  private final NodeOptions options;
  private final InProcessProxy proxy;
  private final ScriptChecks scripts = new ScriptChecks();
  private final NodeInstances instances;
  // What the node runs; a reload replaces all four together, under the node's lock.
  private Path keepalivedPath;
  private Path nginxPath;
  private Loaded loaded;
  private boolean startCalled;
  private boolean stopped;

  /** Both files loaded and validated, with the notes for the banner. */
  private record Loaded(KeepalivedConfig keepalived, NginxStreamConfig nginx, List<String> notes) {
    Loaded {
      notes = List.copyOf(notes);
    }
  }

  private HaNode(Path keepalivedPath, Path nginxPath, Loaded loaded, NodeOptions options) {
    this.keepalivedPath = keepalivedPath;
    this.nginxPath = nginxPath;
    this.loaded = loaded;
    this.options = options;
    this.proxy =
        new InProcessProxy(
            loaded.nginx(), options.relay(), options.drainTimeout(), options.events());
    this.instances = new NodeInstances(options, scripts, proxy.health());
  }

  /**
   * Loads both files and checks that everything in them can be run; nothing is started, bound or
   * sent.
   *
   * @throws ConfigException every problem of both files with file:line, as {@code ./ha4j check}
   *     prints them
   * @throws IOException a file cannot be read
   */
  public static HaNode fromFiles(Path keepalivedConf, Path nginxConf, NodeOptions options)
      throws IOException, ConfigException {
    return new HaNode(keepalivedConf, nginxConf, load(keepalivedConf, nginxConf, options), options);
  }

  /** Reads, loads and validates both files; every problem of both in one ConfigException. */
  private static Loaded load(Path keepalivedConf, Path nginxConf, NodeOptions options)
      throws IOException, ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    KeepalivedConfig keepalived = null;
    NginxStreamConfig nginx = null;
    try {
      keepalived =
          KeepalivedConfigLoader.load(keepalivedConf.toString(), ConfigFiles.read(keepalivedConf));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      nginx = NginxStreamConfigLoader.load(nginxConf.toString(), ConfigFiles.read(nginxConf));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    if (keepalived == null) {
      throw new ConfigException(problems);
    }
    // the keepalived side is checked even when nginx.conf failed: one run reports both files'
    // problems
    validate(keepalivedConf.toString(), nginxConf.toString(), keepalived, nginx, options, problems);
    if (nginx == null || problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new ConfigException(problems);
    }
    List<String> notes = new ArrayList<>();
    keepalived.warnings().forEach(w -> notes.add(w.toString()));
    nginx.notes().forEach(n -> notes.add(n.toString()));
    return new Loaded(keepalived, nginx, notes);
  }

  /**
   * An nginx.conf's {@code stream {}} alone, no VRRP ({@code ./ha4j proxy --nginx}); loaded and
   * checked as the proxy half of {@link #fromFiles}. Nothing binds.
   *
   * @throws ConfigException every problem with file:line
   */
  public static StreamProxyNode streamProxy(Path nginxConf, NodeOptions options)
      throws IOException, ConfigException {
    return StreamProxyNode.load(nginxConf, options);
  }

  /**
   * {@code ./ha4j check}: what ha4j understood of each file, then the files as a node would take
   * them (one keepalived.conf with one nginx.conf as {@link #fromFiles}, an nginx.conf alone as
   * {@link #streamProxy}, keepalived.confs alone as their instances would be built). Nothing is
   * bound or sent.
   */
  public static CheckReport check(List<Path> keepalivedConfs, List<Path> nginxConfs)
      throws IOException {
    return ConfigCheck.check(keepalivedConfs, nginxConfs);
  }

  /**
   * Whether {@code file} reads as a keepalived.conf (it has one of keepalived's top-level
   * keywords).
   */
  public static boolean isKeepalivedConf(Path file) throws IOException {
    return ConfigCheck.isKeepalivedConf(file);
  }

  /**
   * A node of parts the application built itself, with the same start and stop order as a node from
   * files: proxies start before the VRRP instances; on stop the instances hand their VIPs over
   * first, then the proxies drain, then the health checks close. The order in which parts are added
   * does not matter.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the parts of a node; {@link #build()} returns it, not started. */
  public static final class Builder {
    private final List<Proxy> proxies = new ArrayList<>();
    private final List<VrrpInstance> instances = new ArrayList<>();
    private final List<HealthChecks> healthChecks = new ArrayList<>();

    private Builder() {}

    /** A proxy; proxies start in the order added, before every VRRP instance. */
    public Builder proxy(Proxy proxy) {
      proxies.add(Objects.requireNonNull(proxy, "proxy"));
      return this;
    }

    /** A VRRP instance; instances start in the order added, after every proxy, and stop first. */
    public Builder vrrpInstance(VrrpInstance instance) {
      instances.add(Objects.requireNonNull(instance, "instance"));
      return this;
    }

    /**
     * Probes the instances or proxies track: already running, closed after everything else has
     * stopped.
     */
    public Builder healthChecks(HealthChecks checks) {
      healthChecks.add(Objects.requireNonNull(checks, "checks"));
      return this;
    }

    /**
     * The node, not started.
     *
     * @throws IllegalArgumentException without a proxy or a VRRP instance: a node has at least one
     *     of them
     */
    public Lifecycle build() {
      if (proxies.isEmpty() && instances.isEmpty()) {
        throw new IllegalArgumentException(
            "a node needs at least one proxy or VRRP instance, got none");
      }
      return new AssembledNode(proxies, instances, healthChecks);
    }
  }

  /**
   * What {@link #fromFiles} cannot run becomes an error with file:line; the rest is tried on
   * throwaway values.
   */
  private static void validate(
      String keepalivedFile,
      String nginxFile,
      KeepalivedConfig keepalived,
      NginxStreamConfig nginx,
      NodeOptions options,
      List<ConfigProblem> problems) {
    if (keepalived.instances().isEmpty()) {
      problems.add(
          new ConfigProblem(
              ConfigProblem.Severity.ERROR,
              new ConfigLocation(keepalivedFile, 1),
              "vrrp_instance",
              "a load-balancer node needs at least one vrrp_instance"));
    }
    for (String replaced : options.proxyHealthReplaces()) {
      if (!keepalived.scripts().containsKey(replaced)) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR,
                keepalived.instances().isEmpty()
                    ? new ConfigLocation(keepalivedFile, 1)
                    : keepalived.instances().get(0).location(),
                "vrrp_script",
                "--proxy-health-replaces names '"
                    + replaced
                    + "', but the file defines "
                    + (keepalived.scripts().isEmpty()
                        ? "no vrrp_script"
                        : "only " + keepalived.scripts().keySet())));
      }
    }
    if (nginx != null) {
      InProcessProxy.validate(nginxFile, nginx, problems);
    }
    KeepalivedMapping.validateInstances(keepalived, options, problems);
  }

  /** What was understood, for the start-up banner. */
  public List<String> describe() {
    Loaded now = current();
    KeepalivedConfig keepalived = now.keepalived();
    NginxStreamConfig nginx = now.nginx();
    List<String> out = new ArrayList<>();
    for (VrrpInstanceSpec spec : keepalived.instances()) {
      out.add(
          "vrrp_instance "
              + spec.name()
              + ": interface "
              + spec.interfaceName()
              + ", VRID "
              + spec.virtualRouterId()
              + ", priority "
              + spec.priority()
              + (spec.version() == 2
                  ? ""
                  : ", VRRPv"
                      + spec.version()
                      + ", advert_int "
                      + KeepalivedMapping.seconds(spec.advertInterval())
                      + "s")
              + ", VIPs "
              + spec.virtualAddresses().stream().map(v -> v.address().toString()).toList());
      out.add(
          "  tracks the in-process proxy's health (listener bound, a backend available), weight 0:"
              + " this replaces check_nginx.sh");
      for (TrackSpec track : spec.trackScripts()) {
        if (options.proxyHealthReplaces().contains(track.name())) {
          out.add(
              "  track_script "
                  + track.name()
                  + ": not run (--proxy-health-replaces): the proxy's"
                  + " own health stands in for it");
        } else {
          String command = keepalived.scripts().get(track.name()).command();
          out.add(
              "  track_script " + track.name() + ": runs '" + command + "' as keepalived would");
          String program = CommandLine.split(command).get(0);
          if (program.startsWith("/") && !Files.exists(Path.of(program))) {
            out.add(
                "  warning: "
                    + program
                    + " does not exist here, so "
                    + track.name()
                    + " will fail"
                    + " and hold the instance in FAULT; --proxy-health-replaces "
                    + track.name()
                    + " lets the in-process proxy's health stand in for it");
          }
        }
      }
    }
    for (NginxStreamConfig.Server server : nginx.servers()) {
      Optional<NginxStreamConfig.Upstream> upstream = nginx.upstream(server.proxyPass());
      out.add(
          "stream server: listen "
              + server.listenText()
              + " -> "
              + server.proxyPass()
              + upstream
                  .map(
                      u ->
                          " ("
                              + u.method().orElse("round robin")
                              + ": "
                              + u.servers().stream()
                                  .map(NginxStreamConfig.ServerLine::text)
                                  .toList()
                              + ")")
                  .orElse("")
              + server.accessLogPath().map(p -> ", access log " + p).orElse(""));
    }
    now.notes().forEach(n -> out.add("note: " + n));
    return out;
  }

  /**
   * Starts the scripts, then the proxy, then the VRRP instances. If any of them fails, what was
   * started is stopped in {@link #stop()}'s order and the failure is rethrown.
   *
   * @throws IllegalStateException on a second call: a node starts once
   */
  @Override
  public synchronized void start() throws Exception {
    if (startCalled) {
      throw new IllegalStateException("a load-balancer node starts once");
    }
    startCalled = true;
    try {
      scripts.start();
      List<NodeInstances.Built> built = instances.build(loaded.keepalived());
      proxy.start();
      instances.start(built);
    } catch (Exception | Error e) {
      log.error("the node failed to start; stopping what was started");
      stopInOrder();
      throw e;
    }
  }

  /**
   * Graceful and idempotent: VIPs handed over first (priority 0), then the proxy drains, then the
   * scripts stop.
   */
  @Override
  public synchronized void stop() {
    if (!startCalled || stopped) {
      return;
    }
    stopInOrder();
    options.events().accept("STOPPED");
  }

  private void stopInOrder() {
    stopped = true;
    StopOrder.stop(StopOrder.of(instances.list(), List.of(proxy), scripts));
  }

  /**
   * Reads the files the node was loaded from again and applies what changed, as {@link
   * #reconfigure} does: {@code ./ha4j run}'s SIGHUP.
   */
  public String reload() throws IOException, ConfigException {
    Path keepalivedConf;
    Path nginxConf;
    synchronized (this) {
      keepalivedConf = keepalivedPath;
      nginxConf = nginxPath;
    }
    return reconfigure(keepalivedConf, nginxConf);
  }

  /**
   * Loads and validates both files exactly as {@link #fromFiles} does, then changes the running
   * node to what they say, without dropping what stays. The proxy adopts the new {@code stream {}}
   * in place: a listener that stays keeps its socket (no refused connection), new ones are bound
   * first, removed listeners and upstream servers drain, upstream state (health, counters,
   * balancing position) carries over by name and address. Each VRRP instance adopts its new
   * priority, timers, VIPs, tracks, peers, authentication and scripts with no state transition
   * unless the change demands one; an instance whose interface, virtual_router_id, version, address
   * family or sync group changed is stopped gracefully (its VIPs handed over) and started again; a
   * removed instance stops gracefully, a new one starts. Changed {@code vrrp_script}s start again,
   * unchanged ones keep running (and keep their rise/fall count). Before {@link #start()} the files
   * simply replace the ones loaded. Serialized with start and stop. Later {@link #reload()}s read
   * these files.
   *
   * @return what changed, one line ({@code VI_1 reconfigured (priority 100->110); listener *:8081
   *     added}), or {@code no change}
   * @throws ConfigException every problem of both files with file:line: nothing changed, the node
   *     runs as before
   * @throws IOException a file cannot be read, or a new listener cannot be bound (nothing changed);
   *     or an instance step failed, named in the message (the other steps were carried out)
   * @throws IllegalStateException the node has stopped
   */
  public synchronized String reconfigure(Path keepalivedConf, Path nginxConf)
      throws IOException, ConfigException {
    Objects.requireNonNull(keepalivedConf, "keepalivedConf");
    Objects.requireNonNull(nginxConf, "nginxConf");
    if (stopped) {
      throw new IllegalStateException("the node has stopped: nothing to reconfigure");
    }
    Loaded next = load(keepalivedConf, nginxConf, options);
    List<ConfigProblem> unchangeable = ProxyPlan.unchangeable(loaded.nginx(), next.nginx());
    if (!unchangeable.isEmpty()) {
      throw new ConfigException(unchangeable);
    }
    ReloadPlan plan =
        ReloadPlan.of(
            loaded.keepalived(),
            loaded.nginx(),
            next.keepalived(),
            next.nginx(),
            options.proxyHealthReplaces());
    // The proxy first: binding a new listener is what may fail, and then nothing has changed.
    proxy.reconfigure(next.nginx(), plan.proxy());
    List<String> failures = startCalled ? instances.apply(plan, next.keepalived()) : List.of();
    keepalivedPath = keepalivedConf;
    nginxPath = nginxConf;
    loaded = next;
    String summary = plan.summary();
    if (!failures.isEmpty()) {
      throw new IOException(
          "reload partly applied (" + summary + "); failed: " + String.join("; ", failures));
    }
    log.info("reloaded {} + {}: {}", keepalivedConf, nginxConf, summary);
    return summary;
  }

  /** Stops the in-process proxy while the node runs (the seed's {@code systemctl stop nginx}). */
  public synchronized void stopProxy() {
    proxy.stop();
  }

  /** Starts the in-process proxy again (the seed's {@code systemctl start nginx}). */
  public synchronized void startProxy() throws Exception {
    proxy.start();
  }

  /**
   * The proxy's health source (UP while listening with a backend available); the same across
   * restarts.
   */
  public HealthSource proxyHealth() {
    return proxy.health();
  }

  /** The running VRRP instances, in file order; empty before {@link #start()}. */
  public synchronized List<VrrpInstance> instances() {
    return instances.list();
  }

  /** One line per VRRP instance and per proxy. */
  public List<String> status() {
    List<String> out = new ArrayList<>();
    for (VrrpInstance instance : instances()) {
      VrrpInstanceSnapshot s = instance.snapshot();
      out.add(
          "vrrp "
              + s.name()
              + " "
              + s.state()
              + " priority "
              + s.effectivePriority()
              + " master "
              + s.masterAddress().map(Object::toString).orElse("-")
              + " sent "
              + s.advertsSent()
              + " received "
              + s.advertsReceived());
    }
    out.addAll(proxy.status());
    return out;
  }

  /** The node's state now: the document behind {@code /status} and the state dump. */
  public NodeState state() {
    List<NodeState.Instance> out = new ArrayList<>();
    KeepalivedConfig keepalived = current().keepalived();
    for (VrrpInstance instance : instances()) {
      List<String> vips = new ArrayList<>();
      for (VrrpInstanceSpec spec : keepalived.instances()) {
        if (spec.name().equals(instance.name())) {
          spec.virtualAddresses().forEach(v -> vips.add(v.address().toString()));
        }
      }
      out.add(new NodeState.Instance(instance.snapshot(), vips));
    }
    return new NodeState(
        Instant.now(),
        out,
        NodeState.ProxyState.of(proxy.current()),
        probes().stream().map(NodeState.ProbeState::of).toList());
  }

  /**
   * The proxy while it runs; empty while stopped ({@link #stopProxy}) and before start. A restart
   * brings a new {@link Proxy} with the same listeners and upstreams.
   */
  public Optional<Proxy> runningProxy() {
    return proxy.current();
  }

  /** The {@code vrrp_script}s running now, for {@code HealthMetrics}; empty before start. */
  public List<ScheduledProbe> probes() {
    return scripts.probes();
  }

  /** The {@code vrrp_script} names the keepalived.conf defines. */
  public Set<String> scriptNames() {
    return new LinkedHashSet<>(current().keepalived().scripts().keySet());
  }

  private synchronized Loaded current() {
    return loaded;
  }

  /** For tests: builds (without starting) the proxies the nginx file describes. */
  List<Proxy> buildProxiesForTest() throws IOException {
    return proxy.build();
  }
}
