package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.examples.node.LoadBalancerNode;
import org.ha4j.examples.node.StreamProxyNode;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.RelayKind;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VirtualAddressSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.ha4j.vrrp.config.VrrpScriptSpec;

/**
 * {@code ha4j check [keepalived.conf] [nginx.conf]}: ha4j's {@code keepalived -t} / {@code nginx -t}. Prints
 * what it understood of each file, or every problem with file:line; exit 0 when both load, 1 otherwise.
 */
final class CheckCommand implements Subcommand {

    /** keepalived.conf's top-level keywords; a file with none of them is read as an nginx.conf. */
    private static final Pattern KEEPALIVED_KEYWORD = Pattern.compile(
            "(?m)^\\s*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server)\\b");

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "check a keepalived.conf and/or nginx.conf and print what ha4j understood";
    }

    @Override
    public String usage() {
        return "check [--keepalived FILE] [--nginx FILE] [FILE ...]   (FILEs are recognised by their content)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Flags flags = Flags.parse(args, Set.of("keepalived", "nginx"), Set.of());
        List<Path> keepalivedFiles = new ArrayList<>();
        List<Path> nginxFiles = new ArrayList<>();
        flags.all("keepalived").forEach(f -> keepalivedFiles.add(Path.of(f)));
        flags.all("nginx").forEach(f -> nginxFiles.add(Path.of(f)));
        for (String file : flags.positional()) {
            Path path = Path.of(file);
            if (looksLikeKeepalived(path)) {
                keepalivedFiles.add(path);
            } else {
                nginxFiles.add(path);
            }
        }
        if (keepalivedFiles.isEmpty() && nginxFiles.isEmpty()) {
            throw new UsageException("give at least one file");
        }
        boolean ok = true;
        List<KeepalivedConfig> loadedKeepalived = new ArrayList<>();
        for (Path file : keepalivedFiles) {
            try {
                KeepalivedConfig config = KeepalivedConfigLoader.load(file.toString(), ConfigFiles.read(file));
                out.println(file + ": ok (keepalived)");
                describe(config, out);
                config.warnings().forEach(w -> out.println("  " + w));
                loadedKeepalived.add(config);
            } catch (ConfigException e) {
                ok = false;
                out.println(file + ": FAILED (keepalived)");
                e.problems().forEach(p -> out.println("  " + p));
            }
        }
        for (Path file : nginxFiles) {
            try {
                NginxStreamConfig config = NginxStreamConfigLoader.load(file.toString(), ConfigFiles.read(file));
                out.println(file + ": ok (nginx, stream {})");
                describe(config, out);
                config.notes().forEach(n -> out.println("  " + n));
            } catch (ConfigException e) {
                ok = false;
                out.println(file + ": FAILED (nginx)");
                e.problems().forEach(p -> out.println("  " + p));
            }
        }
        if (ok) {
            ok = checkAsRunWould(keepalivedFiles, nginxFiles, out);
        }
        for (KeepalivedConfig config : loadedKeepalived) {
            for (VrrpScriptSpec script : config.scripts().values()) {
                out.println("note: vrrp_script " + script.name() + " runs '" + script.command() + "' as keepalived "
                        + "would." + (script.command().contains("nginx") && !nginxFiles.isEmpty()
                        ? " With ha4j's in-process proxy it is not needed: the node tracks the proxy's own health "
                        + "(listener bound, a backend available) and resigns the moment it fails." : ""));
            }
        }
        out.println(ok ? "check passed" : "check FAILED");
        return ok ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
    }

    /**
     * The files as a node would take them, through the very code {@code run} and {@code proxy --nginx} call:
     * one keepalived.conf with one nginx.conf is a {@code run}, an nginx.conf alone a {@code proxy --nginx},
     * keepalived.confs alone get run's check of their instances.
     * Nothing is bound or sent.
     */
    private static boolean checkAsRunWould(List<Path> keepalivedFiles, List<Path> nginxFiles, PrintStream out)
            throws IOException {
        try {
            if (keepalivedFiles.size() == 1 && nginxFiles.size() == 1) {
                LoadBalancerNode.load(keepalivedFiles.get(0), nginxFiles.get(0),
                        LoadBalancerNode.Options.defaults(line -> { }));
            } else if (keepalivedFiles.isEmpty()) {
                for (Path file : nginxFiles) {
                    StreamProxyNode.load(file, RelayKind.SPLICE, Proxy.DEFAULT_DRAIN_TIMEOUT, line -> { });
                }
            } else {
                for (Path file : keepalivedFiles) {
                    List<ConfigProblem> problems = new ArrayList<>();
                    LoadBalancerNode.validateInstances(KeepalivedConfigLoader.load(file),
                            LoadBalancerNode.Options.defaults(line -> { }), problems);
                    if (!problems.isEmpty()) {
                        throw new ConfigException(problems);
                    }
                }
            }
            return true;
        } catch (ConfigException e) {
            out.println("FAILED as ./ha4j " + (keepalivedFiles.isEmpty() ? "proxy --nginx" : "run") + " would refuse it:");
            e.problems().stream().filter(ConfigProblem::isError).forEach(p -> out.println("  " + p));
            return false;
        }
    }

    private static boolean looksLikeKeepalived(Path file) throws UsageException {
        try {
            return KEEPALIVED_KEYWORD.matcher(ConfigFiles.read(file)).find();
        } catch (ConfigException e) {
            return false; // not readable as a config at all: the load reports why, with the file's name
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void describe(KeepalivedConfig config, PrintStream out) {
        config.routerId().ifPresent(id -> out.println("  router_id " + id));
        for (VrrpInstanceSpec vi : config.instances()) {
            out.printf("  vrrp_instance %s: interface %s, VRID %d, priority %d, initial state %s, advert_int %ds, "
                            + "auth %s, %s%s%n",
                    vi.name(), vi.interfaceName(), vi.virtualRouterId(), vi.priority(),
                    vi.initialStateMaster() ? "MASTER" : "BACKUP", vi.advertIntervalSeconds(), vi.authentication(),
                    vi.preempt() ? "preempt" : "nopreempt",
                    vi.preemptDelay().isZero() ? "" : ", preempt_delay " + vi.preemptDelay().toMillis() + "ms");
            out.println("    VIPs: " + vi.virtualAddresses().stream().map(CheckCommand::describe)
                    .collect(Collectors.joining(", ")));
            if (!vi.unicastPeers().isEmpty()) {
                out.println("    unicast from " + vi.unicastSource().map(Object::toString).orElse("(primary address)")
                        + " to " + vi.unicastPeers());
            }
            for (TrackSpec track : vi.trackScripts()) {
                VrrpScriptSpec script = config.scripts().get(track.name());
                int weight = track.weight().orElse(script.weight());
                out.printf("    track_script %s: '%s' every %dms, timeout %dms, rise %d, fall %d, %s%n",
                        track.name(), script.command(), script.interval().toMillis(), script.timeout().toMillis(),
                        script.rise(), script.fall(), weightMeaning(weight));
            }
            for (TrackSpec track : vi.trackInterfaces()) {
                out.printf("    track_interface %s: %s%n", track.name(), weightMeaning(track.weight().orElse(0)));
            }
        }
    }

    private static String weightMeaning(int weight) {
        if (weight == 0) {
            return "weight 0 = FAULT while failing";
        }
        return weight > 0 ? "priority +" + weight + " while up" : "priority " + weight + " while down";
    }

    private static String describe(VirtualAddressSpec vip) {
        return vip.address() + vip.device().map(d -> " dev " + d).orElse("") + vip.label().map(l -> " label " + l).orElse("");
    }

    private static void describe(NginxStreamConfig config, PrintStream out) {
        for (NginxStreamConfig.Upstream upstream : config.upstreams()) {
            out.println("  upstream " + upstream.name() + ": " + upstream.method().orElse("round robin (weighted)"));
            upstream.servers().forEach(s -> out.println("    server " + s.text()));
        }
        for (NginxStreamConfig.Server server : config.servers()) {
            out.printf("  server: listen %s%s -> %s; connect timeout %s, idle timeout %s, next upstream %s%n",
                    server.listenText(), server.reusePort() ? " reuseport" : "",
                    server.proxyPass(), ConfigDurations.format(server.connectTimeout()),
                    ConfigDurations.format(server.idleTimeout()),
                    server.nextUpstream() ? "on" : "off");
            if (!server.accessRules().isEmpty()) {
                out.println("    access: " + server.accessRules().stream()
                        .map(NginxStreamConfig.AccessRule::text).collect(Collectors.joining(", ")));
            }
            server.maxConnectionsPerClient().ifPresent(n -> out.println("    at most " + n + " connections per client"));
            server.maxConnections().ifPresent(n -> out.println("    at most " + n + " connections on this listener"));
            server.accessLogPath().ifPresent(path -> out.println("    access log " + path + " '"
                    + server.accessLogFormat().orElse("") + "'"));
        }
    }

    /** Formats a problem list for other commands that load the same files. */
    static String describe(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
