package org.ha4j.proxy.nginx;

import java.util.Map;
import java.util.Set;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;

/**
 * Which nginx directives ha4j knows, where each may stand, and the errors for one that stands
 * elsewhere.
 */
final class NginxDirectives {

  /**
   * Directives that tune nginx internals ha4j does not have; accepted like nginx would, without
   * effect.
   */
  static final Set<String> NO_OPS =
      Set.of(
          "error_log",
          "tcp_nodelay",
          "proxy_buffer_size",
          "preread_buffer_size",
          "preread_timeout",
          "proxy_socket_keepalive",
          "variables_hash_max_size",
          "variables_hash_bucket_size",
          "server_names_hash_max_size",
          "server_names_hash_bucket_size",
          "open_log_file_cache",
          "proxy_download_rate",
          "proxy_upload_rate");

  /**
   * nginx's main-context directives: parts of nginx that ha4j does not replace, skipped with a
   * note.
   */
  static final Set<String> MAIN_CONTEXT =
      Set.of(
          "user",
          "worker_processes",
          "error_log",
          "pid",
          "load_module",
          "events",
          "http",
          "mail",
          "env",
          "daemon",
          "master_process",
          "worker_rlimit_nofile",
          "worker_rlimit_core",
          "worker_cpu_affinity",
          "worker_priority",
          "worker_shutdown_timeout",
          "timer_resolution",
          "lock_file",
          "working_directory",
          "pcre_jit",
          "thread_pool",
          "ssl_engine",
          "debug_points",
          "google_perftools_profiles");

  /**
   * Where each stream directive ha4j knows may stand, for "not allowed here" rather than "unknown".
   */
  private static final Map<String, String> CONTEXT_OF =
      Map.ofEntries(
          Map.entry("listen", "server {}"),
          Map.entry("proxy_pass", "server {}"),
          Map.entry("upstream", "stream {}"),
          Map.entry("log_format", "stream {}"),
          Map.entry("limit_conn_zone", "stream {}"),
          Map.entry("server", "stream {} or upstream {}"),
          Map.entry("least_conn", "upstream {}"),
          Map.entry("hash", "upstream {}"),
          Map.entry("random", "upstream {}"),
          Map.entry("ip_hash", "upstream {}"),
          Map.entry("least_time", "upstream {}"),
          Map.entry("zone", "upstream {}"),
          Map.entry("stream", "the main context"));

  /** Directives nginx takes once per block ("is duplicate" otherwise). */
  private static final Set<String> ONCE_PER_BLOCK =
      Set.of(
          "proxy_pass",
          "proxy_connect_timeout",
          "proxy_timeout",
          "proxy_next_upstream",
          "proxy_next_upstream_tries",
          "proxy_next_upstream_timeout",
          "proxy_protocol",
          "proxy_protocol_timeout");

  private NginxDirectives() {}

  /** False, with an error, when {@code s} repeats a directive nginx takes once per block. */
  static boolean once(ConfigStatement s, Set<String> seen, ConfigProblems problems) {
    if (ONCE_PER_BLOCK.contains(s.keyword()) && !seen.add(s.keyword())) {
      problems.error(s, "directive is duplicate");
      return false;
    }
    return true;
  }

  /**
   * A directive that is not valid where it stands: misplaced if ha4j knows it elsewhere, else
   * unknown.
   */
  static void unknownOrMisplaced(ConfigStatement s, String here, ConfigProblems problems) {
    String context = CONTEXT_OF.get(s.keyword());
    if (context != null || NO_OPS.contains(s.keyword()) || isProxySetting(s.keyword())) {
      problems.error(
          s,
          "directive is not allowed in "
              + here
              + " (it belongs in "
              + (context != null ? context : "stream {} or server {}")
              + ")");
    } else {
      problems.error(s, "unknown or unsupported directive in " + here);
    }
  }

  private static boolean isProxySetting(String keyword) {
    return switch (keyword) {
      case "proxy_connect_timeout",
          "proxy_timeout",
          "proxy_next_upstream",
          "proxy_next_upstream_tries",
          "proxy_next_upstream_timeout",
          "allow",
          "deny",
          "limit_conn",
          "access_log",
          "proxy_protocol",
          "proxy_protocol_timeout",
          "set_real_ip_from" ->
          true;
      default -> false;
    };
  }
}
