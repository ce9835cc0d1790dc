package org.ha4j.node;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.config.ConfigProblem;

/**
 * What each directive ha4j skips or accepts without effect does in the program it comes from, so
 * {@code ./ha4j check} can say what a file's author loses (or does not need) when ha4j runs it.
 */
enum IgnoredDirectives {
  KEEPALIVED(
      "in keepalived",
      Map.ofEntries(
          Map.entry("notification_email", "lists the addresses mailed on state changes"),
          Map.entry("notification_email_from", "sets the From: of those mails"),
          Map.entry("smtp_server", "names the mail server for state-change mails"),
          Map.entry("smtp_helo_name", "sets the HELO name used with the mail server"),
          Map.entry("smtp_connect_timeout", "bounds the connection to the mail server"),
          Map.entry("smtp_alert", "mails the notification_email addresses on state changes"),
          Map.entry("smtp_alert_vrrp", "mails on VRRP state changes"),
          Map.entry("smtp_alert_checker", "mails on LVS checker changes"),
          Map.entry(
              "enable_script_security",
              "refuses scripts that a non-root user could modify (ha4j runs them as its own user)"),
          Map.entry("script_user", "runs scripts as this user and group"),
          Map.entry(
              "max_auto_priority", "gives keepalived's process a real-time scheduling priority"),
          Map.entry(
              "vrrp_skip_check_adv_addr",
              "skips comparing an advert's addresses with the configured VIPs"),
          Map.entry("vrrp_garp_interval", "spaces the gratuitous ARPs of one burst"),
          Map.entry(
              "vrrp_gna_interval", "spaces the unsolicited IPv6 neighbour adverts of one burst"),
          Map.entry("vrrp_no_swap", "locks the VRRP process's memory so it is never swapped"),
          Map.entry("vrrp_rt_priority", "gives the VRRP process a real-time priority"),
          Map.entry("vrrp_priority", "sets the VRRP process's nice value"),
          Map.entry("checker_no_swap", "locks the checker process's memory"),
          Map.entry("lvs_id", "names this host for LVS (IPVS) synchronisation"),
          Map.entry("lvs_sync_daemon", "runs the IPVS connection sync daemon"),
          Map.entry("lvs_timeouts", "sets IPVS connection timeouts"),
          Map.entry("lvs_flush", "clears the IPVS tables at start"),
          Map.entry("dynamic_interfaces", "lets instances wait for interfaces that appear later"),
          Map.entry("vrrp_iptables", "adds iptables rules dropping traffic to a BACKUP's VIPs"),
          Map.entry("vrrp_nftables", "adds nftables rules dropping traffic to a BACKUP's VIPs"),
          Map.entry("enable_traps", "sends SNMP traps on state changes"),
          Map.entry("linkbeat_use_polling", "polls interfaces' link state instead of netlink"),
          Map.entry("vrrp_startup_delay", "delays the instances' start after boot"),
          Map.entry(
              "vrrp_check_unicast_src", "drops unicast adverts from addresses not listed as peers"),
          Map.entry("user", "runs this vrrp_script as another user"))),
  NGINX(
      "in nginx",
      Map.ofEntries(
          Map.entry("user", "sets the user and group of the worker processes"),
          Map.entry("worker_processes", "sets how many worker processes serve connections"),
          Map.entry("error_log", "sets where and how much nginx logs"),
          Map.entry("pid", "sets nginx's pid file (ha4j run has --pidfile)"),
          Map.entry("include", "reads another file in its place"),
          Map.entry("load_module", "loads a dynamic module (stream comes with ha4j)"),
          Map.entry("events", "tunes connection processing (worker_connections, use epoll)"),
          Map.entry("http", "configures nginx's HTTP server, which ha4j does not replace"),
          Map.entry("mail", "configures nginx's mail proxy"),
          Map.entry("env", "keeps or sets environment variables for the workers"),
          Map.entry("daemon", "runs nginx in the background"),
          Map.entry("master_process", "runs a master process over the workers"),
          Map.entry("worker_rlimit_nofile", "raises the workers' open-file limit"),
          Map.entry("worker_rlimit_core", "sets the workers' core-file size limit"),
          Map.entry("worker_cpu_affinity", "pins workers to CPUs"),
          Map.entry("worker_priority", "sets the workers' nice value"),
          Map.entry("worker_shutdown_timeout", "bounds a graceful worker shutdown"),
          Map.entry("timer_resolution", "reduces how often workers read the clock"),
          Map.entry("lock_file", "names the accept mutex's lock file"),
          Map.entry("working_directory", "sets the workers' working directory (for core files)"),
          Map.entry("pcre_jit", "compiles regular expressions with PCRE's JIT"),
          Map.entry("thread_pool", "defines a thread pool for blocking file operations"),
          Map.entry("ssl_engine", "names an OpenSSL hardware engine"),
          Map.entry("debug_points", "aborts or stops at internal debug points"),
          Map.entry("google_perftools_profiles", "profiles workers with gperftools"),
          Map.entry("tcp_nodelay", "sets TCP_NODELAY on stream connections"),
          Map.entry("proxy_buffer_size", "sets the buffer for data read from either side"),
          Map.entry("preread_buffer_size", "sets the buffer for the preread (SNI) phase"),
          Map.entry("preread_timeout", "bounds the preread phase"),
          Map.entry("proxy_socket_keepalive", "sets SO_KEEPALIVE on connections to the upstream"),
          Map.entry("variables_hash_max_size", "sizes the variables hash table"),
          Map.entry("variables_hash_bucket_size", "sizes the variables hash buckets"),
          Map.entry("server_names_hash_max_size", "sizes the server names hash table"),
          Map.entry("server_names_hash_bucket_size", "sizes the server names hash buckets"),
          Map.entry("open_log_file_cache", "caches the descriptors of logs with variables in"),
          Map.entry("proxy_download_rate", "limits the bytes per second read from the upstream"),
          Map.entry("proxy_upload_rate", "limits the bytes per second read from the client"),
          Map.entry("listen bind", "binds this address:port with its own socket"),
          Map.entry("listen deferred", "accepts only once data arrives (TCP_DEFER_ACCEPT)"),
          Map.entry("listen so_keepalive", "sets TCP keepalive on accepted connections"),
          Map.entry("listen fastopen", "enables TCP Fast Open with this queue length"),
          Map.entry("listen rcvbuf", "sets the listening socket's receive buffer"),
          Map.entry("listen sndbuf", "sets the listening socket's send buffer"),
          Map.entry("listen setfib", "binds to a FreeBSD routing table"),
          Map.entry("access_log", "buffers, compresses or filters the access log's writes")));

  /** {@code 'deferred' accepted and ignored}: the parameter a {@code listen} warning names. */
  private static final Pattern QUOTED_PARAMETER = Pattern.compile("^'([a-z_]+)[=']");

  private final String where;
  private final Map<String, String> whatEachDoes;

  IgnoredDirectives(String where, Map<String, String> whatEachDoes) {
    this.where = where;
    this.whatEachDoes = whatEachDoes;
  }

  /**
   * What the directive of {@code warning} does where it comes from, when ha4j skips or ignores it;
   * empty for any other warning.
   */
  String explain(ConfigProblem warning) {
    if (!warning.message().contains("ignored") && !warning.message().contains("skipped")) {
      return "";
    }
    String directive = warning.keyword();
    Matcher parameter = QUOTED_PARAMETER.matcher(warning.message());
    if (directive.equals("listen") && parameter.find()) {
      directive = "listen " + parameter.group(1);
    }
    String what = whatEachDoes.get(directive);
    return what == null ? "" : where + ", '" + directive + "' " + what;
  }
}
