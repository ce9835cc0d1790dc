package org.ha4j.examples.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.Node;
import org.ha4j.core.config.CommandLine;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.track.TrackScript;
import org.ha4j.health.track.TrackedSource;
import org.ha4j.health.track.VrrpScript;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.VrrpListener;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VirtualAddressSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.ha4j.vrrp.config.VrrpScriptSpec;
import org.ha4j.vrrp.VirtualAddress;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * The load-balancer node of the reference deployment, from its own two files: keepalived.conf's
 * {@code vrrp_instance}s and nginx.conf's {@code stream {}} in one process ({@code ./ha4j run}).
 *
 * <p>Every VRRP instance also tracks the in-process proxy's health (weight 0: FAULT while the proxy is down
 * or has no backend), which is what the seed's {@code check_nginx.sh} tried to approximate; a
 * {@code vrrp_script} named in {@link Options#proxyHealthReplaces()} is not run at all. Other scripts run
 * as keepalived runs them.
 *
 * <p>One start, one stop: {@link Node#of} with the proxy first and the VRRP instances after it, so a stop
 * hands the VIPs over (priority-0 advertisement) before the proxy drains.
 */
public final class LoadBalancerNode implements Lifecycle {

    /**
     * How to run the files.
     *
     * @param proxyHealthReplaces {@code vrrp_script} names not to run: the in-process proxy's health stands in
     * @param relay               the proxy's relay (nginx copies; {@code SPLICE} is zero-copy on Linux)
     * @param drainTimeout        how long a stopping proxy lets sessions finish
     * @param events              receives one line per event (state changes, proxy start/stop, notes)
     */
    public record Options(Set<String> proxyHealthReplaces, RelayKind relay, Duration drainTimeout,
                          Consumer<String> events) {
        public Options {
            proxyHealthReplaces = Set.copyOf(proxyHealthReplaces);
            Objects.requireNonNull(relay, "relay");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            Objects.requireNonNull(events, "events");
        }

        public static Options defaults(Consumer<String> events) {
            return new Options(Set.of(), RelayKind.SPLICE, Duration.ofSeconds(5), events);
        }

        public Options replacing(Set<String> scripts) {
            return new Options(scripts, relay, drainTimeout, events);
        }
    }

    private final KeepalivedConfig keepalived;
    private final NginxStreamConfig nginx;
    private final Options options;
    private final InProcessProxy proxy;
    private final List<String> notes;
    private HealthChecks checks;
    private List<VrrpInstance> instances = List.of();
    private Node node;

    private LoadBalancerNode(KeepalivedConfig keepalived, NginxStreamConfig nginx, Options options, List<String> notes) {
        this.keepalived = keepalived;
        this.nginx = nginx;
        this.options = options;
        this.notes = List.copyOf(notes);
        this.proxy = new InProcessProxy(nginx, options.relay(), options.drainTimeout(), options.events());
    }

    /**
     * Loads both files and checks that everything in them can be run; nothing is started.
     *
     * @throws ConfigException every problem with file:line, as {@code ./ha4j check} prints them
     */
    public static LoadBalancerNode load(Path keepalivedConf, Path nginxConf, Options options)
            throws IOException, ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        KeepalivedConfig keepalived = null;
        NginxStreamConfig nginx = null;
        try {
            keepalived = KeepalivedConfigLoader.load(keepalivedConf.toString(), ConfigFiles.read(keepalivedConf));
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
        // the keepalived side is checked even when nginx.conf failed: one run reports both files' problems
        validate(keepalivedConf.toString(), nginxConf.toString(), keepalived, nginx, options, problems);
        if (nginx == null || problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(problems);
        }
        List<String> notes = new ArrayList<>();
        keepalived.warnings().forEach(w -> notes.add(w.toString()));
        nginx.notes().forEach(n -> notes.add(n.toString()));
        return new LoadBalancerNode(keepalived, nginx, options, notes);
    }

    /** What ha4j can load but not run here becomes an error with file:line; the rest is tried on throwaway values. */
    private static void validate(String keepalivedFile, String nginxFile, KeepalivedConfig keepalived,
                                 NginxStreamConfig nginx, Options options, List<ConfigProblem> problems) {
        if (keepalived.instances().isEmpty()) {
            problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, new ConfigLocation(keepalivedFile, 1),
                    "vrrp_instance", "a load-balancer node needs at least one vrrp_instance"));
        }
        for (String replaced : options.proxyHealthReplaces()) {
            if (!keepalived.scripts().containsKey(replaced)) {
                problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR,
                        keepalived.instances().isEmpty() ? new ConfigLocation(keepalivedFile, 1)
                                : keepalived.instances().get(0).location(),
                        "vrrp_script", "--proxy-health-replaces names '" + replaced + "', but the file defines "
                        + (keepalived.scripts().isEmpty() ? "no vrrp_script" : "only " + keepalived.scripts().keySet())));
            }
        }
        if (nginx != null) {
            InProcessProxy.validate(nginxFile, nginx, problems);
        }
        validateInstances(keepalived, options, problems);
    }

    /**
     * Whether every {@code vrrp_instance} of a loaded keepalived.conf can be run by a node: each is mapped to a
     * {@link VrrpInstance} (with stand-ins for the scripts and the proxy's health) and built, nothing started.
     * What cannot be carried out is added as an error with the instance's file:line. {@code ./ha4j check}
     * calls this for a keepalived.conf given alone, so it refuses what {@code run} would refuse of that file.
     */
    public static void validateInstances(KeepalivedConfig keepalived, Options options, List<ConfigProblem> problems) {
        for (VrrpInstanceSpec spec : keepalived.instances()) {
            try {
                instanceBuilder(spec, keepalived, options, HealthSignal.up("proxy"), null).build();
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, spec.location(), "vrrp_instance",
                        e.getMessage()));
            } catch (UnsupportedSetting e) {
                problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, spec.location(), e.keyword, e.getMessage()));
            }
        }
    }

    /** A keepalived setting that loads but that {@code ./ha4j run} cannot carry out. */
    private static final class UnsupportedSetting extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        final String keyword;

        UnsupportedSetting(String keyword, String message) {
            super(message);
            this.keyword = keyword;
        }
    }

    /**
     * Maps one {@code vrrp_instance} to a {@link VrrpInstance.Builder} (fsm.md "For the merge"). With
     * {@code checks == null} the scripts are stood in for by placeholders, so the mapping can be validated
     * without running anything.
     */
    private static VrrpInstance.Builder instanceBuilder(VrrpInstanceSpec spec, KeepalivedConfig config, Options options,
                                                        HealthSource proxyHealth, HealthChecks checks) {
        VrrpInstance.Builder b = VrrpInstance.builder()
                .name(spec.name())
                .interfaceName(spec.interfaceName())
                .virtualRouterId(spec.virtualRouterId())
                .priority(spec.priority())
                .initialState(spec.initialStateMaster() ? VrrpRouterConfig.InitialState.MASTER
                        : VrrpRouterConfig.InitialState.BACKUP)
                .advertIntervalSeconds(spec.advertIntervalSeconds())
                .authentication(spec.authentication())
                .preempt(spec.preempt())
                .preemptDelay(spec.preemptDelay())
                .garpMasterDelay(spec.garp().masterDelay())
                .garpMasterRepeat(spec.garp().masterRepeat())
                .garpMasterRefresh(spec.garp().masterRefresh())
                .garpMasterRefreshRepeat(spec.garp().masterRefreshRepeat());
        for (VirtualAddressSpec vip : spec.virtualAddresses()) {
            if (vip.device().isPresent() && !vip.device().get().equals(spec.interfaceName())) {
                throw new UnsupportedSetting("virtual_ipaddress", "VIP " + vip.address() + " dev " + vip.device().get()
                        + ": ha4j puts the VIPs on the instance's interface (" + spec.interfaceName() + ") only");
            }
            b.virtualAddress(new VirtualAddress(vip.address(), vip.label().orElse(null)));
        }
        spec.unicastSource().ifPresent(b::unicastSource);
        spec.unicastPeers().forEach(b::unicastPeer);
        b.notifyScripts(spec.notifyScripts());
        for (TrackSpec track : spec.trackInterfaces()) {
            if (!track.name().equals(spec.interfaceName()) || track.weight().orElse(0) != 0) {
                throw new UnsupportedSetting("track_interface", "track_interface " + track.name()
                        + track.weight().stream().mapToObj(w -> " weight " + w).findFirst().orElse("")
                        + ": ./ha4j run tracks only the instance's own interface, with weight 0 (FAULT while down)");
            }
            // The instance already follows its own interface's link (FAULT while down), as keepalived does.
        }
        // The proxy's health replaces check_nginx.sh: weight 0, so the instance resigns the moment it fails.
        b.track(proxyHealth, 0);
        for (TrackSpec track : spec.trackScripts()) {
            VrrpScriptSpec script = config.scripts().get(track.name());
            if (options.proxyHealthReplaces().contains(track.name())) {
                continue;
            }
            int weight = track.weight().orElse(script.weight());
            if (checks == null) {
                b.track(HealthSignal.up(track.name()), weight);
            } else {
                VrrpScript vrrpScript = VrrpScript.builder(script.name(), script.command()).interval(script.interval())
                        .timeout(script.timeout()).weight(script.weight()).rise(script.rise()).fall(script.fall())
                        .build();
                TrackedSource started = TrackScript.start(vrrpScript, checks);
                b.track(started.source(), weight);
            }
        }
        return b;
    }

    /** What was understood, for the start-up banner. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (VrrpInstanceSpec spec : keepalived.instances()) {
            out.add("vrrp_instance " + spec.name() + ": interface " + spec.interfaceName() + ", VRID "
                    + spec.virtualRouterId() + ", priority " + spec.priority() + ", VIPs "
                    + spec.virtualAddresses().stream().map(v -> v.address().toString()).toList());
            out.add("  tracks the in-process proxy's health (listener bound, a backend available), weight 0:"
                    + " this replaces check_nginx.sh");
            for (TrackSpec track : spec.trackScripts()) {
                if (options.proxyHealthReplaces().contains(track.name())) {
                    out.add("  track_script " + track.name() + ": not run (--proxy-health-replaces): the proxy's"
                            + " own health stands in for it");
                } else {
                    String command = keepalived.scripts().get(track.name()).command();
                    out.add("  track_script " + track.name() + ": runs '" + command + "' as keepalived would");
                    String program = CommandLine.split(command).get(0);
                    if (program.startsWith("/") && !java.nio.file.Files.exists(Path.of(program))) {
                        out.add("  warning: " + program + " does not exist here, so " + track.name() + " will fail"
                                + " and hold the instance in FAULT; --proxy-health-replaces " + track.name()
                                + " lets the in-process proxy's health stand in for it");
                    }
                }
            }
        }
        for (NginxStreamConfig.Server server : nginx.servers()) {
            Optional<NginxStreamConfig.Upstream> upstream = nginx.upstream(server.proxyPass());
            out.add("stream server: listen " + server.listenText() + " -> "
                    + server.proxyPass() + upstream.map(u -> " (" + u.method().orElse("round robin") + ": "
                    + u.servers().stream().map(NginxStreamConfig.ServerLine::text).toList() + ")").orElse("")
                    + server.accessLogPath().map(p -> ", access log " + p).orElse(""));
        }
        notes.forEach(n -> out.add("note: " + n));
        return out;
    }

    @Override
    public synchronized void start() throws Exception {
        if (node != null) {
            throw new IllegalStateException("a load-balancer node starts once");
        }
        checks = HealthChecks.create();
        List<VrrpInstance> built = new ArrayList<>();
        try {
            for (VrrpInstanceSpec spec : keepalived.instances()) {
                built.add(instanceBuilder(spec, keepalived, options, proxy.health(), checks)
                        .listener(new EventPrinter(options.events())).build());
            }
        } catch (RuntimeException e) {
            checks.close();
            throw e;
        }
        instances = List.copyOf(built);
        List<Lifecycle> components = new ArrayList<>();
        components.add(proxy);
        components.addAll(instances);
        node = Node.of(components.toArray(Lifecycle[]::new));
        try {
            node.start();
        } catch (Exception e) {
            checks.close();
            throw e;
        }
        for (VrrpInstance instance : instances) {
            VrrpInstanceSnapshot s = instance.snapshot();
            options.events().accept("STARTED " + instance.name() + " from " + s.sourceAddress() + " priority "
                    + s.basePriority());
        }
    }

    /** Graceful: VIPs handed over first (priority 0), then the proxy drains, then the scripts stop. */
    @Override
    public synchronized void stop() {
        if (node == null) {
            return;
        }
        node.stop();
        checks.close();
        options.events().accept("STOPPED");
    }

    /** Stops the in-process proxy while the node runs (the seed's {@code systemctl stop nginx}). */
    public void stopProxy() {
        proxy.stop();
    }

    /** Starts the in-process proxy again (the seed's {@code systemctl start nginx}). */
    public void startProxy() throws Exception {
        proxy.start();
    }

    /** The proxy's health source (UP while listening with a backend available). */
    public HealthSource proxyHealth() {
        return proxy.health();
    }

    /** The running VRRP instances, in file order. */
    public List<VrrpInstance> instances() {
        return instances;
    }

    /** One line per VRRP instance and per proxy. */
    public List<String> status() {
        List<String> out = new ArrayList<>();
        for (VrrpInstance instance : instances) {
            VrrpInstanceSnapshot s = instance.snapshot();
            out.add("vrrp " + s.name() + " " + s.state() + " priority " + s.effectivePriority() + " master "
                    + s.masterAddress().map(Object::toString).orElse("-") + " sent " + s.advertsSent()
                    + " received " + s.advertsReceived());
        }
        out.addAll(proxy.status());
        return out;
    }

    /** Scripts named in the file (for messages). */
    public Set<String> scriptNames() {
        return new LinkedHashSet<>(keepalived.scripts().keySet());
    }

    /** For tests: builds (without starting) the proxies the nginx file describes. */
    List<Proxy> buildProxiesForTest() throws IOException {
        return proxy.build();
    }

    /** Prints VRRP events; runs on the instance's protocol thread, so it only formats and hands over a line. */
    private static final class EventPrinter implements VrrpListener {
        private final Consumer<String> events;

        EventPrinter(Consumer<String> events) {
            this.events = events;
        }

        @Override
        public void onStateChange(VrrpInstance instance, VrrpState from, VrrpState to, String reason) {
            Instant now = Instant.now();
            events.accept("STATE " + instance.name() + " " + from + " -> " + to + " (" + reason + ") t="
                    + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
        }

        @Override
        public void onPriorityChange(VrrpInstance instance, int from, int to, String reason) {
            events.accept("PRIORITY " + instance.name() + " " + from + " -> " + to + " (" + reason + ")");
        }
    }
}
