package org.ha4j.proxy.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.ha4j.core.config.BlockConfigParser;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.proxy.nginx.NginxStreamConfig.AccessRule;
import org.ha4j.proxy.nginx.NginxStreamConfig.Server;
import org.ha4j.proxy.nginx.NginxStreamConfig.ServerLine;
import org.ha4j.proxy.nginx.NginxStreamConfig.Upstream;

/**
 * Loads the {@code stream {}} block of an nginx.conf as nginx reads it. Everything outside {@code stream {}}
 * ({@code events}, {@code http}, {@code user}, ...) belongs to parts of nginx that ha4j does not replace and
 * is skipped with a note. Inside it, a directive ha4j implements is applied with nginx's defaults and
 * inheritance (stream-level {@code proxy_*}, {@code allow}/{@code deny} and {@code access_log} apply to
 * every server that does not set its own); one that nginx would accept without effect here is a warning;
 * anything else is an error with file:line.
 */
public final class NginxStreamConfigLoader {

    /** Directives that tune nginx internals ha4j does not have; accepted like nginx would, without effect. */
    private static final Set<String> NO_OPS = Set.of("error_log", "tcp_nodelay", "proxy_buffer_size",
            "preread_buffer_size", "preread_timeout", "proxy_socket_keepalive", "variables_hash_max_size",
            "variables_hash_bucket_size", "server_names_hash_max_size", "server_names_hash_bucket_size",
            "open_log_file_cache", "proxy_download_rate", "proxy_upload_rate");

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final ConfigProblems problems = new ConfigProblems();
    private final Map<String, String> logFormats = new LinkedHashMap<>();
    private final List<Upstream> upstreams = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    /** limit_conn_zone name -> true when keyed by the client address, false when by the server. */
    private final Map<String, Boolean> connectionZones = new HashMap<>();

    private NginxStreamConfigLoader() {
    }

    public static NginxStreamConfig load(Path file) throws IOException, ConfigException {
        return load(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * @throws ConfigException with every error and note, when there is at least one error (including a file
     *                         with no {@code stream {}} block, which leaves ha4j nothing to run)
     */
    public static NginxStreamConfig load(String fileName, String text) throws ConfigException {
        List<ConfigStatement> top = BlockConfigParser.parse(fileName, text, BlockConfigParser.Dialect.NGINX);
        NginxStreamConfigLoader loader = new NginxStreamConfigLoader();
        List<ConfigStatement> streams = new ArrayList<>();
        for (ConfigStatement statement : top) {
            if (statement.keyword().equals("stream")) {
                streams.add(statement);
            } else {
                loader.problems.warning(statement, "outside stream {}: skipped (ha4j replaces only "
                        + "nginx's stream proxy)");
            }
        }
        if (streams.isEmpty()) {
            loader.problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR,
                    new org.ha4j.core.config.ConfigLocation(fileName, 1), "stream",
                    "no stream {} block: nothing for ha4j to proxy"));
        }
        for (ConfigStatement stream : streams) {
            loader.readStream(stream);
        }
        loader.problems.throwIfErrors();
        return new NginxStreamConfig(loader.logFormats, loader.upstreams, loader.servers, loader.problems.all());
    }

    /** Settings a server inherits from the stream level unless it sets its own. */
    private static final class Inherited {
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        boolean nextUpstream = true;
        int nextUpstreamTries;
        Duration nextUpstreamTimeout = Duration.ZERO;
        List<AccessRule> accessRules = new ArrayList<>();
        List<ConfigStatement> limitConns = new ArrayList<>();
        Optional<String> accessLogPath = Optional.empty();
        Optional<String> accessLogFormat = Optional.empty();
        ConfigStatement accessLogStatement;
    }

    private void readStream(ConfigStatement stream) {
        if (!stream.hasBlock()) {
            problems.error(stream, "expects a { ... } block");
            return;
        }
        // Formats, zones and upstreams first: nginx resolves references to them after reading the block.
        for (ConfigStatement s : stream.block()) {
            switch (s.keyword()) {
                case "log_format" -> readLogFormat(s);
                case "limit_conn_zone" -> readConnectionZone(s);
                default -> { }
            }
        }
        for (ConfigStatement s : stream.block()) {
            if (s.keyword().equals("upstream")) {
                readUpstream(s);
            }
        }
        Inherited streamLevel = new Inherited();
        List<ConfigStatement> serverBlocks = new ArrayList<>();
        for (ConfigStatement s : stream.block()) {
            switch (s.keyword()) {
                case "log_format", "limit_conn_zone", "upstream" -> { }
                case "server" -> serverBlocks.add(s);
                default -> readProxySetting(s, streamLevel, "stream");
            }
        }
        for (ConfigStatement block : serverBlocks) {
            readServer(block, streamLevel);
        }
    }

    private void readLogFormat(ConfigStatement s) {
        if (s.args().size() < 2) {
            problems.error(s, "expects a name and a format string");
            return;
        }
        String name = s.args().get(0);
        int start = 1;
        if (s.args().get(1).startsWith("escape=")) {
            problems.warning(s, "'" + s.args().get(1) + "' accepted; ha4j writes values as they are (they contain no quotes)");
            start = 2;
        }
        logFormats.put(name, String.join("", s.args().subList(start, s.args().size())));
    }

    private void readConnectionZone(ConfigStatement s) {
        if (s.args().size() != 2 || !s.args().get(1).startsWith("zone=")) {
            problems.error(s, "expects 'limit_conn_zone KEY zone=NAME:SIZE'");
            return;
        }
        String key = s.args().get(0);
        String zone = s.args().get(1).substring("zone=".length());
        int colon = zone.indexOf(':');
        String name = colon < 0 ? zone : zone.substring(0, colon);
        switch (key) {
            case "$binary_remote_addr", "$remote_addr" -> connectionZones.put(name, true);
            case "$server_addr", "$server_port" -> connectionZones.put(name, false);
            default -> problems.error(s, "key " + key + " is not supported (use $binary_remote_addr for a per-client "
                    + "limit or $server_port for a per-listener one)");
        }
    }

    private void readUpstream(ConfigStatement block) {
        if (block.args().size() != 1 || !block.hasBlock()) {
            problems.error(block, "expects 'upstream NAME { ... }'");
            return;
        }
        String name = block.args().get(0);
        if (upstreams.stream().anyMatch(u -> u.name().equals(name))) {
            problems.error(block, "duplicate upstream \"" + name + "\"");
            return;
        }
        Optional<String> method = Optional.empty();
        List<ServerLine> lines = new ArrayList<>();
        for (ConfigStatement s : block.block()) {
            switch (s.keyword()) {
                case "server" -> {
                    if (s.args().isEmpty()) {
                        problems.error(s, "expects an address");
                    } else {
                        lines.add(new ServerLine(String.join(" ", s.args()), s.location()));
                    }
                }
                case "least_conn", "hash", "random", "ip_hash", "least_time" -> {
                    if (method.isPresent()) {
                        problems.error(s, "load balancing method redefined (already " + method.get() + ")");
                    }
                    String written = s.keyword() + (s.args().isEmpty() ? "" : " " + String.join(" ", s.args()));
                    method = Optional.of(written);
                }
                case "zone" -> problems.warning(s, "accepted: ha4j keeps upstream state in process memory, shared by "
                        + "all its event loops");
                default -> problems.error(s, "unknown or unsupported directive in upstream");
            }
        }
        if (lines.isEmpty()) {
            problems.error(block, "no servers are inside upstream \"" + name + "\"");
            return;
        }
        upstreams.add(new Upstream(name, method, lines, block.location()));
    }

    private void readServer(ConfigStatement block, Inherited streamLevel) {
        if (!block.hasBlock() || !block.args().isEmpty()) {
            problems.error(block, "expects 'server { ... }'");
            return;
        }
        int errorsBefore = problems.errorCount();
        Inherited own = new Inherited();
        own.connectTimeout = streamLevel.connectTimeout;
        own.idleTimeout = streamLevel.idleTimeout;
        own.nextUpstream = streamLevel.nextUpstream;
        own.nextUpstreamTries = streamLevel.nextUpstreamTries;
        own.nextUpstreamTimeout = streamLevel.nextUpstreamTimeout;
        boolean ownRules = false;
        boolean ownLimits = false;
        boolean ownLog = false;
        ConfigStatement listen = null;
        String proxyPass = null;
        List<AccessRule> rules = new ArrayList<>();
        List<ConfigStatement> limits = new ArrayList<>();
        for (ConfigStatement s : block.block()) {
            switch (s.keyword()) {
                case "listen" -> {
                    if (listen != null) {
                        problems.error(s, "ha4j takes one listen per server block; write another server block");
                    }
                    listen = s;
                }
                case "proxy_pass" -> {
                    if (s.args().size() != 1) {
                        problems.error(s, "expects one upstream name or host:port");
                    } else {
                        proxyPass = s.args().get(0);
                    }
                }
                case "allow", "deny" -> {
                    ownRules = true;
                    accessRule(s).ifPresent(rules::add);
                }
                case "limit_conn" -> {
                    ownLimits = true;
                    limits.add(s);
                }
                case "access_log" -> {
                    ownLog = true;
                    readProxySetting(s, own, "server");
                }
                default -> readProxySetting(s, own, "server");
            }
        }
        if (listen == null) {
            problems.error(block, "server block has no 'listen'");
            return;
        }
        if (proxyPass == null) {
            problems.error(block, "server block has no 'proxy_pass'");
            return;
        }
        String target = proxyPass;
        if (target.contains("$")) {
            problems.error(block, "proxy_pass with variables is not supported");
        } else if (upstreams.stream().noneMatch(u -> u.name().equals(target)) && !target.matches(".+:\\d+")) {
            problems.error(block, "proxy_pass " + target + ": no upstream with that name, and not host:port");
        }
        ListenSpec spec = listen(listen);
        List<AccessRule> effectiveRules = ownRules ? rules : streamLevel.accessRules;
        List<ConfigStatement> effectiveLimits = ownLimits ? limits : streamLevel.limitConns;
        OptionalInt perClient = OptionalInt.empty();
        OptionalInt perListener = OptionalInt.empty();
        for (ConfigStatement limit : effectiveLimits) {
            Optional<Integer> count = limitCount(limit);
            Boolean perClientZone = limit.args().isEmpty() ? null : connectionZones.get(limit.args().get(0));
            if (count.isEmpty()) {
                continue;
            }
            if (perClientZone == null) {
                problems.error(limit, "no limit_conn_zone named " + limit.args().get(0));
            } else if (perClientZone) {
                perClient = OptionalInt.of(count.get());
            } else {
                perListener = OptionalInt.of(count.get());
            }
        }
        Optional<String> logPath = ownLog ? own.accessLogPath : streamLevel.accessLogPath;
        Optional<String> logFormatName = ownLog ? own.accessLogFormat : streamLevel.accessLogFormat;
        ConfigStatement logStatement = ownLog ? own.accessLogStatement : streamLevel.accessLogStatement;
        Optional<String> logTemplate = Optional.empty();
        if (logPath.isPresent() && logFormatName.isPresent()) {
            String template = logFormats.get(logFormatName.get());
            if (template == null) {
                problems.error(logStatement, "unknown log format \"" + logFormatName.get() + "\"");
            } else {
                logTemplate = Optional.of(template);
            }
        }
        if (spec == null || problems.errorCount() > errorsBefore) {
            return;
        }
        servers.add(new Server(spec.host, spec.port, spec.reusePort, spec.backlog, proxyPass, own.connectTimeout,
                own.idleTimeout, own.nextUpstream, own.nextUpstreamTries, own.nextUpstreamTimeout, effectiveRules,
                perClient, perListener, logPath, logTemplate, block.location()));
    }

    /** Directives valid at both stream and server level. */
    private void readProxySetting(ConfigStatement s, Inherited into, String level) {
        switch (s.keyword()) {
            case "proxy_connect_timeout" -> duration(s).ifPresent(d -> into.connectTimeout = d);
            case "proxy_timeout" -> duration(s).ifPresent(d -> into.idleTimeout = d);
            case "proxy_next_upstream" -> onOff(s).ifPresent(b -> into.nextUpstream = b);
            case "proxy_next_upstream_tries" -> limitCount(s).ifPresent(n -> into.nextUpstreamTries = n);
            case "proxy_next_upstream_timeout" -> duration(s).ifPresent(d -> into.nextUpstreamTimeout = d);
            case "allow", "deny" -> accessRule(s).ifPresent(into.accessRules::add);
            case "limit_conn" -> into.limitConns.add(s);
            case "access_log" -> {
                into.accessLogStatement = s;
                if (s.args().size() == 1 && s.args().get(0).equals("off")) {
                    into.accessLogPath = Optional.empty();
                    into.accessLogFormat = Optional.empty();
                } else if (s.args().size() >= 2) {
                    into.accessLogPath = Optional.of(s.args().get(0));
                    into.accessLogFormat = Optional.of(s.args().get(1));
                    if (s.args().size() > 2) {
                        problems.warning(s, "buffer/flush/gzip/if parameters are accepted and ignored: ha4j always writes "
                                + "the log off the event loop");
                    }
                } else {
                    problems.error(s, "expects 'access_log PATH FORMAT' or 'access_log off' (stream has no default format)");
                }
            }
            default -> {
                if (NO_OPS.contains(s.keyword())) {
                    problems.warning(s, "accepted and ignored: it tunes nginx internals ha4j does not have");
                } else {
                    problems.error(s, "unknown or unsupported directive in " + level + " {}");
                }
            }
        }
    }

    private record ListenSpec(Optional<String> host, int port, boolean reusePort, OptionalInt backlog) {
    }

    private ListenSpec listen(ConfigStatement s) {
        if (s.args().isEmpty()) {
            problems.error(s, "expects an address, a port or address:port");
            return null;
        }
        String target = s.args().get(0);
        Optional<String> host = Optional.empty();
        String portText = target;
        if (target.startsWith("[")) {
            problems.error(s, "IPv6 listeners are not supported yet");
            return null;
        }
        int colon = target.lastIndexOf(':');
        if (colon >= 0) {
            String hostText = target.substring(0, colon);
            host = hostText.equals("*") ? Optional.empty() : Optional.of(hostText);
            portText = target.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            problems.error(s, "invalid port in \"" + target + "\"");
            return null;
        }
        if (port < 1 || port > 65535) {
            problems.error(s, "port must be 1-65535, got " + port);
            return null;
        }
        boolean reusePort = false;
        OptionalInt backlog = OptionalInt.empty();
        for (String parameter : s.args().subList(1, s.args().size())) {
            if (parameter.equals("reuseport")) {
                reusePort = true;
            } else if (parameter.startsWith("backlog=")) {
                try {
                    backlog = OptionalInt.of(Integer.parseInt(parameter.substring("backlog=".length())));
                } catch (NumberFormatException e) {
                    problems.error(s, "invalid " + parameter);
                }
            } else if (parameter.equals("bind") || parameter.startsWith("so_keepalive=")
                    || parameter.equals("deferred") || parameter.startsWith("fastopen=")) {
                problems.warning(s, "'" + parameter + "' accepted and ignored");
            } else {
                problems.error(s, "listen parameter '" + parameter + "' is not supported (udp, ssl and proxy_protocol are not)");
            }
        }
        return new ListenSpec(host, port, reusePort, backlog);
    }

    private Optional<AccessRule> accessRule(ConfigStatement s) {
        if (s.args().size() != 1) {
            problems.error(s, "expects one address, CIDR or 'all'");
            return Optional.empty();
        }
        String text = s.args().get(0);
        try {
            Ipv4Cidr source = text.equals("all") ? Ipv4Cidr.parse("0.0.0.0/0") : Ipv4Cidr.parse(text);
            return Optional.of(new AccessRule(s.keyword().equals("allow"), source));
        } catch (IllegalArgumentException e) {
            problems.error(s, e.getMessage() + (text.contains(":") ? " (IPv6 and unix: are not supported)" : ""));
            return Optional.empty();
        }
    }

    private Optional<Integer> limitCount(ConfigStatement s) {
        String text = s.args().isEmpty() ? "" : s.args().get(s.args().size() - 1);
        int expected = s.keyword().equals("limit_conn") ? 2 : 1;
        if (s.args().size() != expected) {
            problems.error(s, s.keyword().equals("limit_conn") ? "expects 'limit_conn ZONE NUMBER'" : "expects a number");
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            problems.error(s, "invalid number \"" + text + "\"");
            return Optional.empty();
        }
    }

    private Optional<Duration> duration(ConfigStatement s) {
        if (s.args().size() != 1) {
            problems.error(s, "expects one time value such as 10s");
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigDurations.parseNginx(s.args().get(0)));
        } catch (IllegalArgumentException e) {
            problems.error(s, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Boolean> onOff(ConfigStatement s) {
        if (s.args().size() == 1 && (s.args().get(0).equals("on") || s.args().get(0).equals("off"))) {
            return Optional.of(s.args().get(0).equals("on"));
        }
        problems.error(s, "expects on or off");
        return Optional.empty();
    }



}
