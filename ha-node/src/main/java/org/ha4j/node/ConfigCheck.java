package org.ha4j.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.ha4j.vrrp.config.TrackSpec;
import org.ha4j.vrrp.config.VirtualAddressSpec;
import org.ha4j.vrrp.config.VrrpInstanceSpec;
import org.ha4j.vrrp.config.VrrpScriptSpec;

/**
 * ha4j's {@code keepalived -t} / {@code nginx -t}: what was understood of each file, or every
 * problem with file:line, then the files put through the code a node runs them with.
 */
final class ConfigCheck {

  /**
   * keepalived.conf's top-level keywords, or an include line without nginx's ';' (a keepalived.conf
   * may be nothing but includes); a file with none of them is read as an nginx.conf.
   */
  private static final Pattern KEEPALIVED_KEYWORD =
      Pattern.compile(
          "(?m)^\\s*((global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server)\\b"
              + "|include[rmwba]?[ \\t]+[^;\\n]*$)");

  private final List<CheckReport.Entry> out = new ArrayList<>();

  private ConfigCheck() {}

  static boolean isKeepalivedConf(Path file) throws IOException {
    try {
      return KEEPALIVED_KEYWORD.matcher(ConfigFiles.read(file)).find();
    } catch (ConfigException e) {
      return false; // not readable as a config at all: the load reports why, with the file's name
    }
  }

  static CheckReport check(List<Path> keepalivedFiles, List<Path> nginxFiles) throws IOException {
    return new ConfigCheck().run(keepalivedFiles, nginxFiles);
  }

  private CheckReport run(List<Path> keepalivedFiles, List<Path> nginxFiles) throws IOException {
    boolean ok = true;
    List<KeepalivedConfig> loadedKeepalived = new ArrayList<>();
    for (Path file : keepalivedFiles) {
      try {
        KeepalivedConfig config =
            KeepalivedConfigLoader.load(file.toString(), ConfigFiles.read(file));
        summary(file + ": ok (keepalived)");
        describe(config);
        config.warnings().forEach(w -> problem(w, IgnoredDirectives.KEEPALIVED));
        loadedKeepalived.add(config);
      } catch (ConfigException e) {
        ok = false;
        summary(file + ": FAILED (keepalived)");
        e.problems().forEach(p -> problem(p, IgnoredDirectives.KEEPALIVED));
      }
    }
    for (Path file : nginxFiles) {
      try {
        NginxStreamConfig config =
            NginxStreamConfigLoader.load(file.toString(), ConfigFiles.read(file));
        summary(file + ": ok (nginx, stream {})");
        describe(config);
        config.notes().forEach(n -> problem(n, IgnoredDirectives.NGINX));
      } catch (ConfigException e) {
        ok = false;
        summary(file + ": FAILED (nginx)");
        e.problems().forEach(p -> problem(p, IgnoredDirectives.NGINX));
      }
    }
    if (ok) {
      ok = checkAsANodeWould(keepalivedFiles, nginxFiles, loadedKeepalived);
    }
    for (KeepalivedConfig config : loadedKeepalived) {
      for (VrrpScriptSpec script : config.scripts().values()) {
        summary(
            "note: vrrp_script "
                + script.name()
                + " runs '"
                + script.command()
                + "' as keepalived "
                + "would."
                + (script.command().contains("nginx") && !nginxFiles.isEmpty()
                    ? " With ha4j's in-process proxy it is not needed: the node tracks the proxy's own health "
                        + "(listener bound, a backend available) and resigns the moment it fails."
                    : ""));
      }
    }
    return new CheckReport(out);
  }

  /**
   * The files as a node would take them, through the very code {@code run} and {@code proxy
   * --nginx} call: one keepalived.conf with one nginx.conf is a {@code run}, an nginx.conf alone a
   * {@code proxy --nginx}, keepalived.confs alone get run's check of their instances.
   */
  private boolean checkAsANodeWould(
      List<Path> keepalivedFiles, List<Path> nginxFiles, List<KeepalivedConfig> keepalived)
      throws IOException {
    NodeOptions options = NodeOptions.defaults(line -> {});
    try {
      if (keepalivedFiles.size() == 1 && nginxFiles.size() == 1) {
        HaNode.fromFiles(keepalivedFiles.get(0), nginxFiles.get(0), options);
      } else if (keepalivedFiles.isEmpty()) {
        NodeOptions proxyOptions =
            new NodeOptions(
                options.proxyHealthReplaces(),
                options.relay(),
                Proxy.DEFAULT_DRAIN_TIMEOUT,
                options.events());
        for (Path file : nginxFiles) {
          StreamProxyNode.load(file, proxyOptions);
        }
      } else {
        for (KeepalivedConfig config : keepalived) {
          List<ConfigProblem> problems = new ArrayList<>();
          KeepalivedMapping.validateInstances(config, options, problems);
          if (!problems.isEmpty()) {
            throw new ConfigException(problems);
          }
        }
      }
      return true;
    } catch (ConfigException e) {
      summary(
          "FAILED as ./ha4j "
              + (keepalivedFiles.isEmpty() ? "proxy --nginx" : "run")
              + " would refuse it:");
      e.problems().stream()
          .filter(ConfigProblem::isError)
          .forEach(p -> out.add(new CheckReport.Entry(CheckReport.Kind.ERROR, "  " + p, "")));
      return false;
    }
  }

  private void summary(String line) {
    out.add(new CheckReport.Entry(CheckReport.Kind.SUMMARY, line, ""));
  }

  private void problem(ConfigProblem problem, IgnoredDirectives directives) {
    out.add(
        new CheckReport.Entry(
            problem.isError() ? CheckReport.Kind.ERROR : CheckReport.Kind.WARNING,
            "  " + problem,
            problem.isError() ? "" : directives.explain(problem)));
  }

  private void describe(KeepalivedConfig config) {
    config.routerId().ifPresent(id -> summary("  router_id " + id));
    for (VrrpInstanceSpec vi : config.instances()) {
      summary(
          String.format(
              "  vrrp_instance %s: interface %s, VRID %d, priority %d, initial state %s, "
                  + "%sadvert_int %ss, auth %s, %s%s%s",
              vi.name(),
              vi.interfaceName(),
              vi.virtualRouterId(),
              vi.priority(),
              vi.initialStateMaster() ? "MASTER" : "BACKUP",
              // VRRPv2 is the default and says nothing; a VRRPv3 peer would drop its adverts
              vi.version() == 2 ? "" : "VRRPv" + vi.version() + ", ",
              KeepalivedMapping.seconds(vi.advertInterval()),
              vi.authentication(),
              vi.preempt() ? "preempt" : "nopreempt",
              vi.acceptMode() ? "" : ", no_accept",
              vi.preemptDelay().isZero()
                  ? ""
                  : ", preempt_delay " + vi.preemptDelay().toMillis() + "ms"));
      summary(
          "    VIPs: "
              + vi.virtualAddresses().stream()
                  .map(ConfigCheck::describe)
                  .collect(Collectors.joining(", ")));
      if (!vi.excludedAddresses().isEmpty()) {
        summary(
            "    excluded from adverts: "
                + vi.excludedAddresses().stream()
                    .map(ConfigCheck::describe)
                    .collect(Collectors.joining(", ")));
      }
      if (!vi.unicastPeers().isEmpty()) {
        summary(
            "    unicast from "
                + vi.unicastSource().map(Object::toString).orElse("(primary address)")
                + " to "
                + vi.unicastPeers());
      }
      for (TrackSpec track : vi.trackScripts()) {
        VrrpScriptSpec script = config.scripts().get(track.name());
        int weight = track.weight().orElse(script.weight());
        summary(
            String.format(
                "    track_script %s: '%s' every %dms, timeout %dms, rise %d, fall %d, %s",
                track.name(),
                script.command(),
                script.interval().toMillis(),
                script.timeout().toMillis(),
                script.rise(),
                script.fall(),
                weightMeaning(weight)));
      }
      for (TrackSpec track : vi.trackInterfaces()) {
        summary(
            String.format(
                "    track_interface %s: %s",
                track.name(), weightMeaning(track.weight().orElse(0))));
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
    return vip.address()
        + vip.device().map(d -> " dev " + d).orElse("")
        + vip.label().map(l -> " label " + l).orElse("");
  }

  private void describe(NginxStreamConfig config) {
    for (NginxStreamConfig.Upstream upstream : config.upstreams()) {
      summary(
          "  upstream "
              + upstream.name()
              + ": "
              + upstream.method().orElse("round robin (weighted)"));
      upstream.servers().forEach(s -> summary("    server " + s.text()));
    }
    for (NginxStreamConfig.Server server : config.servers()) {
      summary(
          String.format(
              "  server: listen %s%s -> %s; connect timeout %s, idle timeout %s, next upstream %s",
              server.listenText(),
              server.reusePort() ? " reuseport" : "",
              server.proxyPass(),
              ConfigDurations.format(server.connectTimeout()),
              ConfigDurations.format(server.idleTimeout()),
              server.nextUpstream() ? "on" : "off"));
      if (!server.accessRules().isEmpty()) {
        summary(
            "    access: "
                + server.accessRules().stream()
                    .map(NginxStreamConfig.AccessRule::text)
                    .collect(Collectors.joining(", ")));
      }
      server
          .maxConnectionsPerClient()
          .ifPresent(n -> summary("    at most " + n + " connections per client"));
      server
          .maxConnections()
          .ifPresent(n -> summary("    at most " + n + " connections on this listener"));
      server
          .accessLogPath()
          .ifPresent(
              path ->
                  summary(
                      "    access log " + path + " '" + server.accessLogFormat().orElse("") + "'"));
    }
  }
}
