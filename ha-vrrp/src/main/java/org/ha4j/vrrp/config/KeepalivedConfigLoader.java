package org.ha4j.vrrp.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.ha4j.core.config.CommandLine;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigFiles;
import org.ha4j.core.config.ConfigIncludes;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.config.ConfigProblems;
import org.ha4j.core.config.ConfigStatement;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.NotifyScripts;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.config.VrrpInstanceSpec.GarpSpec;

/**
 * Loads a keepalived.conf as keepalived 2.2 reads it, for the parts ha4j implements: {@code
 * global_defs}, {@code vrrp_script} and {@code vrrp_instance}, with {@code include}s followed as
 * keepalived follows them ({@link KeepalivedIncludes}). LVS {@code virtual_server} blocks are
 * skipped with a warning.
 *
 * <p>Nothing is silently misread. A keyword ha4j implements is applied; one that keepalived would
 * also accept without effect here (mail alerts, script users, LVS tuning) is a warning; anything
 * else, including a typo, is an error naming the file, line and keyword. All problems are
 * collected, so one run of {@code ha4j check} shows every one of them.
 */
public final class KeepalivedConfigLoader {

  /**
   * global_defs keywords that only matter to parts of keepalived ha4j does not have (mail, LVS,
   * daemon tuning).
   */
  private static final Set<String> GLOBAL_NO_OPS =
      Set.of(
          "notification_email",
          "notification_email_from",
          "smtp_server",
          "smtp_helo_name",
          "smtp_connect_timeout",
          "smtp_alert",
          "smtp_alert_vrrp",
          "smtp_alert_checker",
          "enable_script_security",
          "script_user",
          "max_auto_priority",
          "vrrp_skip_check_adv_addr",
          "vrrp_garp_interval",
          "vrrp_gna_interval",
          "vrrp_no_swap",
          "vrrp_rt_priority",
          "vrrp_priority",
          "checker_no_swap",
          "lvs_id",
          "lvs_sync_daemon",
          "lvs_timeouts",
          "lvs_flush",
          "dynamic_interfaces",
          "vrrp_iptables",
          "vrrp_nftables",
          "enable_traps",
          "linkbeat_use_polling",
          "vrrp_startup_delay",
          "vrrp_check_unicast_src");

  private final ConfigProblems problems = new ConfigProblems();
  private final Map<String, VrrpScriptSpec> scripts = new LinkedHashMap<>();

  /**
   * Every vrrp_instance name seen, with its place, including instances refused for other errors.
   */
  private final Map<String, ConfigLocation> instanceNames = new HashMap<>();

  private final List<VrrpInstanceSpec> instances = new ArrayList<>();
  private final List<SyncGroupSpec> syncGroups = new ArrayList<>();
  private Optional<String> routerId = Optional.empty();
  private GarpSpec globalGarp = GarpSpec.KEEPALIVED_DEFAULTS;

  /** {@code global_defs { vrrp_version }}: the version of every instance without its own. */
  private int globalVersion = VrrpWireFormat.VERSION;

  private KeepalivedConfigLoader() {}

  /** Loads a file (UTF-8). */
  public static KeepalivedConfig load(java.nio.file.Path file) throws IOException, ConfigException {
    return load(file.toString(), ConfigFiles.read(file));
  }

  /**
   * Loads text; {@code fileName} labels every problem, and its directory is where a relative {@code
   * include} in it starts.
   *
   * @throws ConfigException carrying every error and warning, when there is at least one error
   */
  public static KeepalivedConfig load(String fileName, String text) throws ConfigException {
    List<ConfigStatement> top =
        BlockConfigParser.parse(fileName, text, BlockConfigParser.Dialect.KEEPALIVED);
    KeepalivedConfigLoader loader = new KeepalivedConfigLoader();
    top =
        ConfigIncludes.with(
                BlockConfigParser.Dialect.KEEPALIVED, new KeepalivedIncludes(), loader.problems)
            .expand(fileName, top);
    loader.readTop(top);
    loader.problems.throwIfErrors();
    return new KeepalivedConfig(
        loader.routerId,
        loader.scripts,
        loader.instances,
        loader.problems.all(),
        loader.syncGroups);
  }

  private void readTop(List<ConfigStatement> top) {
    // global_defs and scripts first: instances refer to them wherever they stand in the file.
    for (ConfigStatement statement : top) {
      switch (statement.keyword()) {
        case "global_defs" -> readGlobalDefs(statement);
        case "vrrp_script" -> readScript(statement);
        default -> {}
      }
    }
    for (ConfigStatement statement : top) {
      switch (statement.keyword()) {
        case "global_defs", "vrrp_script" -> {}
        case "vrrp_instance" -> readInstance(statement);
        case "vrrp_strict" ->
            problems.error(
                statement,
                "strict mode is not supported: it makes the VIP drop all "
                    + "traffic that is not VRRP (users comment it out for that reason); remove it");
        case "vrrp_sync_group" -> {} // read below, once every instance is known
        case "virtual_server", "virtual_server_group" -> skipLvs(statement);
        default -> problems.error(statement, "unknown or unsupported keyword at top level");
      }
    }
    for (ConfigStatement statement : top) {
      if (statement.keyword().equals("vrrp_sync_group")) {
        readSyncGroup(statement);
      }
    }
  }

  /**
   * A {@code vrrp_sync_group}, with keepalived 2.2.7's checks (vrrp_parser.c, vrrp_sync.c
   * vrrp_sync_set_group): a name once, one {@code group} list naming existing instances, each in
   * one group only.
   */
  private void readSyncGroup(ConfigStatement block) {
    if (block.args().size() != 1) {
      problems.error(block, "vrrp_sync_group must have a name (one word)");
      return;
    }
    String name = block.args().get(0);
    if (!requireBlock(block)) {
      return;
    }
    for (SyncGroupSpec other : syncGroups) {
      if (other.name().equals(name)) {
        problems.error(
            block,
            "vrrp sync group " + name + " is defined twice (first at " + other.location() + ")");
        return;
      }
    }
    int errorsBefore = problems.errorCount();
    ConfigStatement groupList = null;
    List<TrackSpec> trackScripts = new ArrayList<>();
    List<TrackSpec> trackInterfaces = new ArrayList<>();
    boolean trackingWeight = false;
    Map<String, String> notify = new HashMap<>();
    for (ConfigStatement s : block.block()) {
      switch (s.keyword()) {
        case "group" -> {
          if (groupList != null) {
            problems.error(s, "group list already given for sync group " + name);
          } else if (requireBlock(s)) {
            groupList = s;
          }
        }
        case "track_script" -> readTracks(s, trackScripts);
        case "track_interface" -> readTrackedInterfaces(s, trackInterfaces);
        case "sync_group_tracking_weight", "global_tracking" -> trackingWeight = true;
        case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" ->
            readNotify(s, notify);
        case "smtp_alert" -> problems.warning(s, "accepted and ignored: ha4j sends no mail");
        case "notify_priority_changes" ->
            problems.warning(
                s, "accepted and ignored: ha4j runs no notify script on a priority change");
        default -> problems.error(s, "unknown or unsupported keyword in vrrp_sync_group");
      }
    }
    List<String> members = groupList == null ? List.of() : syncGroupMembers(name, groupList);
    if (groupList != null && groupList.block().isEmpty()) {
      problems.error(groupList, "sync group " + name + " has an empty group list");
    } else if (groupList == null) {
      problems.error(block, "sync group " + name + " has no 'group { ... }' list of instances");
    } else if (members.size() == 1) {
      // keepalived -t flags it but runs it: a one-member group is a lone instance
      problems.warning(
          groupList,
          "sync group " + name + " has only 1 instance; this probably isn't what you want");
    }
    for (TrackSpec track : trackScripts) {
      if (!scripts.containsKey(track.name())) {
        problems.error(block, "track_script " + track.name() + " names no vrrp_script");
      }
    }
    if (groupList != null) {
      checkSyncGroupMembers(name, groupList, members, trackingWeight);
    }
    if (problems.errorCount() > errorsBefore) {
      return;
    }
    syncGroups.add(
        new SyncGroupSpec(
            name,
            members,
            trackScripts,
            trackInterfaces,
            trackingWeight,
            notifyScripts(notify),
            block.location()));
  }

  private List<String> syncGroupMembers(String group, ConfigStatement groupList) {
    List<String> members = new ArrayList<>();
    for (ConfigStatement line : groupList.block()) {
      List<String> names = new ArrayList<>();
      names.add(line.keyword());
      names.addAll(line.args());
      for (String member : names) {
        if (!instanceNames.containsKey(member)) {
          problems.error(
              line, "instance " + member + " in sync group " + group + " does not exist");
          continue;
        }
        Optional<SyncGroupSpec> other =
            syncGroups.stream().filter(g -> g.members().contains(member)).findFirst();
        if (other.isPresent() || members.contains(member)) {
          problems.error(
              line,
              "instance "
                  + member
                  + " cannot be in more than one sync group (already in "
                  + other.map(SyncGroupSpec::name).orElse(group)
                  + ")");
          continue;
        }
        members.add(member);
      }
    }
    return members;
  }

  /**
   * keepalived ignores members' tracker weights unless the group has sync_group_tracking_weight
   * (vrrp.c vrrp_complete_instance), so a weight there does not do what it says: refused.
   */
  private void checkSyncGroupMembers(
      String group, ConfigStatement groupList, List<String> members, boolean trackingWeight) {
    boolean owner = false;
    boolean nonOwner = false;
    for (VrrpInstanceSpec instance : instances) {
      if (!members.contains(instance.name())) {
        continue;
      }
      owner |= instance.priority() == 255;
      nonOwner |= instance.priority() != 255;
      if (trackingWeight) {
        continue;
      }
      for (TrackSpec track : instance.trackScripts()) {
        VrrpScriptSpec script = scripts.get(track.name());
        int weight = track.weight().orElse(script == null ? 0 : script.weight());
        if (weight != 0) {
          problems.error(
              groupList,
              "instance "
                  + instance.name()
                  + " tracks script "
                  + track.name()
                  + " with weight "
                  + weight
                  + ", which keepalived ignores in sync group "
                  + group
                  + ": use weight 0 or add sync_group_tracking_weight to the group");
        }
      }
      for (TrackSpec track : instance.trackInterfaces()) {
        if (track.weight().orElse(0) != 0) {
          problems.error(
              groupList,
              "instance "
                  + instance.name()
                  + " tracks interface "
                  + track.name()
                  + " with a weight, which keepalived ignores in sync group "
                  + group
                  + ": remove the weight or add sync_group_tracking_weight to the group");
        }
      }
    }
    if (owner && nonOwner) {
      problems.error(
          groupList,
          "sync group "
              + group
              + " mixes address owners (priority 255) with other instances: an owner is always "
              + "MASTER, so the group could never follow it to BACKUP");
    }
  }

  /**
   * keepalived's LVS half programs the kernel's IPVS tables; ha4j does not, so a stock
   * keepalived.conf, whose sample virtual servers sit below the instance, loads with a warning and
   * runs the VRRP part alone.
   */
  private void skipLvs(ConfigStatement block) {
    if (requireBlock(block)) {
      problems.warning(
          block,
          "skipped: ha4j does not program IPVS (the kernel's LVS), so this "
              + block.keyword()
              + " and its real_servers and health checkers do nothing; ha4j's proxy, configured"
              + " by nginx.conf's stream {}, is what balances TCP");
    }
  }

  private void readGlobalDefs(ConfigStatement block) {
    if (!requireBlock(block)) {
      return;
    }
    for (ConfigStatement s : block.block()) {
      String keyword = s.keyword();
      switch (keyword) {
        case "router_id" -> routerId = oneArg(s);
        case "vrrp_strict" ->
            problems.error(
                s,
                "strict mode is not supported: it makes the VIP drop all traffic "
                    + "that is not VRRP (users comment it out for that reason); remove it");
        case "vrrp_version" -> globalVersion = version(s).orElse(globalVersion);
        case "vrrp_garp_master_delay" ->
            seconds(s, 0, 1000)
                .ifPresent(
                    d ->
                        globalGarp =
                            new GarpSpec(
                                d,
                                globalGarp.masterRepeat(),
                                globalGarp.masterRefresh(),
                                globalGarp.masterRefreshRepeat()));
        case "vrrp_garp_master_repeat" ->
            integer(s, 1, 10_000)
                .ifPresent(
                    n ->
                        globalGarp =
                            new GarpSpec(
                                globalGarp.masterDelay(),
                                n,
                                globalGarp.masterRefresh(),
                                globalGarp.masterRefreshRepeat()));
        case "vrrp_garp_master_refresh" ->
            seconds(s, 0, 1_000_000)
                .ifPresent(
                    d ->
                        globalGarp =
                            new GarpSpec(
                                globalGarp.masterDelay(),
                                globalGarp.masterRepeat(),
                                d,
                                globalGarp.masterRefreshRepeat()));
        case "vrrp_garp_master_refresh_repeat" ->
            integer(s, 1, 10_000)
                .ifPresent(
                    n ->
                        globalGarp =
                            new GarpSpec(
                                globalGarp.masterDelay(),
                                globalGarp.masterRepeat(),
                                globalGarp.masterRefresh(),
                                n));
        default -> {
          if (GLOBAL_NO_OPS.contains(keyword)
              || keyword.startsWith("smtp_")
              || keyword.startsWith("lvs_")
              || keyword.startsWith("checker_")) {
            problems.warning(s, "accepted and ignored: it has no effect in ha4j");
          } else {
            problems.error(s, "unknown or unsupported keyword in global_defs");
          }
        }
      }
    }
  }

  private void readScript(ConfigStatement block) {
    Optional<String> name = oneArg(block);
    if (name.isEmpty() || !requireBlock(block)) {
      return;
    }
    String command = null;
    Duration interval = Duration.ofSeconds(1);
    Duration timeout = null;
    int weight = 0;
    int rise = 1;
    int fall = 1;
    for (ConfigStatement s : block.block()) {
      switch (s.keyword()) {
        case "script" -> {
          if (s.args().isEmpty()) {
            problems.error(s, "needs the command to run");
          } else {
            command = String.join(" ", s.args());
          }
        }
        case "interval" -> interval = seconds(s, 0.001, 1_000_000).orElse(interval);
        case "timeout" -> timeout = seconds(s, 0.001, 1_000_000).orElse(timeout);
        case "weight" -> weight = weight(s).orElse(weight);
        case "rise" -> rise = integer(s, 1, 1_000_000).orElse(rise);
        case "fall" -> fall = integer(s, 1, 1_000_000).orElse(fall);
        case "user" ->
            problems.warning(s, "accepted and ignored: ha4j runs scripts as its own user");
        default -> problems.error(s, "unknown or unsupported keyword in vrrp_script");
      }
    }
    if (command == null) {
      problems.error(block, "vrrp_script " + name.get() + " has no 'script' line");
      return;
    }
    if (scripts.containsKey(name.get())) {
      problems.error(
          block,
          "vrrp_script "
              + name.get()
              + " is defined twice (first at "
              + scripts.get(name.get()).location()
              + ")");
      return;
    }
    scripts.put(
        name.get(),
        new VrrpScriptSpec(
            name.get(),
            command,
            interval,
            timeout == null ? interval : timeout,
            weight,
            rise,
            fall,
            block.location()));
  }

  private void readInstance(ConfigStatement block) {
    Optional<String> name = oneArg(block);
    if (name.isEmpty() || !requireBlock(block)) {
      return;
    }
    int errorsBefore = problems.errorCount();
    ConfigLocation first = instanceNames.putIfAbsent(name.get(), block.location());
    if (first != null) {
      // keepalived -t: "vrrp instance VI_1 already defined"; two instances would share one name in
      // every log
      problems.error(
          block, "vrrp_instance " + name.get() + " is defined twice (first at " + first + ")");
    }
    Boolean master = null;
    String interfaceName = null;
    Integer vrid = null;
    Integer priority = null;
    Integer version = null;
    ConfigStatement advertIntLine = null;
    long advertMicros = KeepalivedAdvertInterval.parseMicros("1");
    VrrpAuthentication authentication = VrrpAuthentication.none();
    ConfigStatement authenticationBlock = null;
    boolean acceptMode = true;
    List<VirtualAddressSpec> vips = new ArrayList<>();
    int vipLines = 0; // refused ones included: each has its own error already
    List<VirtualAddressSpec> excluded = new ArrayList<>();
    List<TrackSpec> trackScripts = new ArrayList<>();
    List<TrackSpec> trackInterfaces = new ArrayList<>();
    boolean preempt = true;
    ConfigStatement nopreempt = null;
    Duration preemptDelay = Duration.ZERO;
    Optional<IpAddress> source = Optional.empty();
    List<IpAddress> peers = new ArrayList<>();
    InstanceFamily family = new InstanceFamily(problems);
    ConfigStatement versionLine = null;
    Map<String, String> notify = new HashMap<>();
    GarpSpec garp = globalGarp;

    for (ConfigStatement s : block.block()) {
      switch (s.keyword()) {
        case "state" ->
            oneArg(s)
                .ifPresent(
                    v -> {
                      if (!v.equals("MASTER") && !v.equals("BACKUP")) {
                        problems.error(s, "must be MASTER or BACKUP, got " + v);
                      }
                    });
        case "interface" -> interfaceName = oneArg(s).orElse(interfaceName);
        case "virtual_router_id" -> vrid = integer(s, 1, 255).map(Integer::valueOf).orElse(vrid);
        case "priority" -> priority = integer(s, 1, 255).map(Integer::valueOf).orElse(priority);
        case "advert_int" -> {
          Optional<Long> micros = advertMicros(s);
          if (micros.isPresent()) {
            advertMicros = micros.get();
            advertIntLine = s;
          }
        }
        case "authentication" -> {
          authentication = authentication(s).orElse(authentication);
          authenticationBlock = s;
        }
        case "virtual_ipaddress" -> {
          readVirtualAddresses(s, vips, family);
          vipLines += s.hasBlock() ? s.block().size() : 0;
        }
        case "virtual_ipaddress_excluded" -> readVirtualAddresses(s, excluded, family);
        case "track_script" -> readTracks(s, trackScripts);
        case "track_interface" -> readTrackedInterfaces(s, trackInterfaces);
        case "nopreempt" -> {
          preempt = false;
          nopreempt = s;
        }
        case "preempt" -> preempt = true;
        case "preempt_delay" -> preemptDelay = seconds(s, 0, 1000).orElse(preemptDelay);
        case "unicast_src_ip", "mcast_src_ip" -> source = address(s, family);
        case "unicast_peer" -> readPeers(s, peers, family);
        case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" ->
            readNotify(s, notify);
        case "garp_master_delay" -> {
          GarpSpec g = garp;
          garp =
              seconds(s, 0, 1000)
                  .map(
                      d ->
                          new GarpSpec(
                              d, g.masterRepeat(), g.masterRefresh(), g.masterRefreshRepeat()))
                  .orElse(garp);
        }
        case "garp_master_repeat" -> {
          GarpSpec g = garp;
          garp =
              integer(s, 1, 10_000)
                  .map(
                      n ->
                          new GarpSpec(
                              g.masterDelay(), n, g.masterRefresh(), g.masterRefreshRepeat()))
                  .orElse(garp);
        }
        case "garp_master_refresh" -> {
          GarpSpec g = garp;
          garp =
              seconds(s, 0, 1_000_000)
                  .map(
                      d ->
                          new GarpSpec(
                              g.masterDelay(), g.masterRepeat(), d, g.masterRefreshRepeat()))
                  .orElse(garp);
        }
        case "garp_master_refresh_repeat" -> {
          GarpSpec g = garp;
          garp =
              integer(s, 1, 10_000)
                  .map(n -> new GarpSpec(g.masterDelay(), g.masterRepeat(), g.masterRefresh(), n))
                  .orElse(garp);
        }
        case "version" -> {
          Optional<Integer> given = version(s);
          if (given.isPresent() && given.get() != VrrpWireFormat.VERSION_3 && family.isIpv6()) {
            // keepalived 2.2.7 -t: "vrrp_version 2 conflicts with configured or deduced version"
            problems.error(
                s,
                "version 2 conflicts with the IPv6 addresses above: an IPv6 instance is VRRPv3"
                    + " (RFC 9568; RFC 3768 is IPv4 only)");
          } else {
            version = given.orElse(version);
            versionLine = s;
          }
        }
        case "smtp_alert" -> problems.warning(s, "accepted and ignored: ha4j sends no mail");
        case "accept" -> acceptMode = true;
        case "no_accept" -> {
          acceptMode = false;
          problems.warning(
              s,
              "Accept_Mode off: as master, traffic to and from the VIPs is dropped by an nftables"
                  + " table of this instance's (as keepalived does), so a service on this host that"
                  + " listens on a VIP (a proxy) gets none of it; needs nft");
        }
        case "strict_mode" -> problems.error(s, "strict mode is not supported; remove it");
        default -> problems.error(s, "unknown or unsupported keyword in vrrp_instance");
      }
      if (s.keyword().equals("state")) {
        master = s.arg(0).map("MASTER"::equals).orElse(master);
      }
    }

    boolean startsMaster = Boolean.TRUE.equals(master);
    int effectiveVersion = version != null ? version : globalVersion;
    if (family.isIpv6()) {
      // keepalived 2.2.7 runs every IPv6 instance as VRRPv3; given version 2 before its first IPv6
      // address it says nothing (keepalived -t exits 0), ha4j says so where it was written
      if (version != null && version != VrrpWireFormat.VERSION_3) {
        problems.warning(
            versionLine,
            "VRRP version 2 has no IPv6 (RFC 3768 is IPv4 only): this IPv6 instance runs as"
                + " version 3, as keepalived runs it");
      }
      effectiveVersion = VrrpWireFormat.VERSION_3;
      if (!vips.isEmpty() && !isLinkLocal(vips.get(0).address().address())) {
        problems.warning(
            block,
            "("
                + name.get()
                + ") the first IPv6 VIP address should be link local"
                + " (keepalived warns the same; RFC 9568 §7.2 names it the primary)");
      }
    }
    Duration advertInterval = Duration.ofSeconds(1);
    try {
      KeepalivedAdvertInterval.Fitted fitted =
          KeepalivedAdvertInterval.fit(
              effectiveVersion,
              advertMicros,
              advertIntLine == null ? "1" : advertIntLine.args().get(0));
      advertInterval = fitted.interval();
      ConfigStatement at = advertIntLine;
      fitted.warning().ifPresent(w -> problems.warning(at, w));
    } catch (IllegalArgumentException e) {
      problems.error(advertIntLine, e.getMessage());
    }
    if (effectiveVersion == VrrpWireFormat.VERSION_3 && authenticationBlock != null) {
      // keepalived -t: "VRRP version 3 does not support authentication. Ignoring."; it runs the
      // instance without, and so do its VRRPv3 peers
      problems.warning(
          authenticationBlock,
          "VRRP version 3 has no authentication (RFC 9568 removed it): ignored, as keepalived"
              + " does");
      authentication = VrrpAuthentication.none();
    }
    if (interfaceName == null) {
      problems.error(block, "vrrp_instance " + name.get() + " needs 'interface'");
    }
    if (vrid == null) {
      problems.error(block, "vrrp_instance " + name.get() + " needs 'virtual_router_id' (1-255)");
    }
    List<IpAddress> vipAddresses = vips.stream().map(v -> v.address().address()).toList();
    for (VirtualAddressSpec address : excluded) {
      if (vipAddresses.contains(address.address().address())) {
        problems.error(
            block,
            "virtual_ipaddress_excluded "
                + address.address()
                + " is also in virtual_ipaddress: list each address once");
      }
    }
    if (vipLines == 0) {
      problems.error(
          block,
          "vrrp_instance "
              + name.get()
              + " has no virtual_ipaddress: there is nothing to fail over");
    }
    int effectivePriority = priority != null ? priority : startsMaster ? 255 : 100;
    if (nopreempt != null && startsMaster) {
      problems.warning(
          nopreempt,
          "nopreempt needs 'state BACKUP'; with state MASTER keepalived ignores it, so does ha4j");
      preempt = true;
    }
    for (TrackSpec track : trackScripts) {
      VrrpScriptSpec script = scripts.get(track.name());
      if (script == null) {
        problems.error(block, "track_script " + track.name() + " names no vrrp_script");
      } else if (effectivePriority == 255 && track.weight().orElse(script.weight()) != 0) {
        problems.error(
            block,
            "track_script "
                + track.name()
                + " has a weight, but an address owner's priority "
                + "(255) never changes; use weight 0 (FAULT) or a lower priority");
      }
    }
    for (VrrpInstanceSpec other : instances) {
      if (vrid != null
          && other.virtualRouterId() == vrid
          && other.interfaceName().equals(interfaceName)) {
        problems.error(
            block,
            "virtual_router_id "
                + vrid
                + " is already used on "
                + interfaceName
                + " by "
                + other.name()
                + " ("
                + other.location()
                + ")");
      }
    }
    if (problems.errorCount() > errorsBefore) {
      return;
    }
    NotifyScripts notifySpec = notifyScripts(notify);
    instances.add(
        new VrrpInstanceSpec(
            name.get(),
            startsMaster,
            interfaceName,
            vrid,
            effectivePriority,
            effectiveVersion,
            advertInterval,
            authentication,
            vips,
            excluded,
            trackScripts,
            trackInterfaces,
            preempt,
            preemptDelay,
            acceptMode,
            source,
            peers,
            notifySpec,
            garp,
            block.location()));
  }

  private Optional<Long> advertMicros(ConfigStatement s) {
    Optional<String> text = oneArg(s);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeepalivedAdvertInterval.parseMicros(text.get()));
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
      return Optional.empty();
    }
  }

  /** {@code vrrp_version} or {@code version}: 2 (RFC 3768) or 3 (RFC 9568). */
  private Optional<Integer> version(ConfigStatement s) {
    Optional<String> text = oneArg(s);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return switch (text.get()) {
      case "2" -> Optional.of(VrrpWireFormat.VERSION);
      case "3" -> Optional.of(VrrpWireFormat.VERSION_3);
      default -> {
        problems.error(s, "the VRRP version must be 2 or 3, got " + text.get());
        yield Optional.empty();
      }
    };
  }

  private Optional<VrrpAuthentication> authentication(ConfigStatement block) {
    if (!requireBlock(block)) {
      return Optional.empty();
    }
    String type = null;
    String pass = null;
    for (ConfigStatement s : block.block()) {
      switch (s.keyword()) {
        case "auth_type" -> type = oneArg(s).orElse(null);
        case "auth_pass" -> {
          pass = oneArg(s).orElse(null);
          if (pass != null && pass.getBytes(StandardCharsets.UTF_8).length > 8) {
            problems.warning(
                s, "only the first 8 bytes of the password are used, as keepalived does");
          }
        }
        default ->
            problems.error(s, "unknown keyword in authentication (expected auth_type, auth_pass)");
      }
    }
    if (type == null) {
      problems.error(block, "authentication needs auth_type PASS");
      return Optional.empty();
    }
    if (type.equals("AH")) {
      problems.error(
          block,
          "auth_type AH is not supported (RFC 3768 removed it); use PASS or no authentication");
      return Optional.empty();
    }
    if (!type.equals("PASS")) {
      problems.error(block, "auth_type must be PASS, got " + type);
      return Optional.empty();
    }
    if (pass == null || pass.isEmpty()) {
      problems.error(block, "auth_type PASS needs auth_pass");
      return Optional.empty();
    }
    return Optional.of(VrrpAuthentication.password(pass));
  }

  private void readVirtualAddresses(
      ConfigStatement block, List<VirtualAddressSpec> into, InstanceFamily family) {
    if (!requireBlock(block)) {
      return;
    }
    for (ConfigStatement line : block.block()) {
      IpCidr address;
      try {
        address =
            isIpv6(line.keyword())
                ? IpCidr.parse(line.keyword())
                : ipv4(Ipv4Cidr.parse(line.keyword()));
      } catch (IllegalArgumentException e) {
        problems.error(
            line,
            (isIpv6(line.keyword()) ? "not a valid IP address: " : "not an IPv4 address: ")
                + e.getMessage());
        continue;
      }
      if (!family.vip(line, address.address())) {
        continue;
      }
      Optional<String> device = Optional.empty();
      Optional<String> label = Optional.empty();
      List<String> args = line.args();
      for (int i = 0; i < args.size(); i++) {
        String option = args.get(i);
        boolean hasValue = i + 1 < args.size();
        switch (option) {
          case "dev" -> device = hasValue ? Optional.of(args.get(++i)) : missingValue(line, option);
          case "label" -> {
            label = hasValue ? Optional.of(args.get(++i)) : missingValue(line, option);
            if (address.address().isIpv6() && label.isPresent()) {
              problems.warning(line, "'label' is ignored: Linux labels IPv4 addresses only");
              label = Optional.empty();
            }
          }
          case "brd", "scope" -> {
            problems.warning(
                line, "'" + option + "' is accepted and ignored: the kernel's default is used");
            i++;
          }
          case "no_track" ->
              problems.warning(
                  line, "'no_track' is accepted: ha4j does not watch VIPs deleted by hand");
          default ->
              problems.error(
                  line,
                  "unsupported "
                      + block.keyword()
                      + " option '"
                      + option
                      + "' (supported: dev, label; ignored: brd, scope, no_track)");
        }
      }
      into.add(new VirtualAddressSpec(address, device, label));
    }
  }

  private Optional<String> missingValue(ConfigStatement line, String option) {
    problems.error(line, "'" + option + "' needs a value");
    return Optional.empty();
  }

  private void readTracks(ConfigStatement block, List<TrackSpec> into) {
    if (!requireBlock(block)) {
      return;
    }
    for (ConfigStatement line : block.block()) {
      OptionalInt weight = OptionalInt.empty();
      List<String> args = line.args();
      if (args.size() == 2 && args.get(0).equals("weight")) {
        try {
          weight = OptionalInt.of(ConfigNumbers.parseInt(args.get(1), -253, 253));
        } catch (NumberFormatException e) {
          problems.error(line, "weight: " + e.getMessage());
        }
      } else if (!args.isEmpty()) {
        problems.error(line, "expected 'NAME' or 'NAME weight N' (reverse is not supported)");
      }
      into.add(new TrackSpec(line.keyword(), weight));
    }
  }

  /** A notify line, split as vrrp_script's line is (quotes and all) so a bad one fails here. */
  private void readNotify(ConfigStatement s, Map<String, String> into) {
    if (s.args().isEmpty()) {
      problems.error(s, "needs the script to run");
      return;
    }
    String command = String.join(" ", s.args());
    try {
      CommandLine.split(command);
      into.put(s.keyword(), command);
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
    }
  }

  private static NotifyScripts notifyScripts(Map<String, String> notify) {
    return new NotifyScripts(
        Optional.ofNullable(notify.get("notify_master")),
        Optional.ofNullable(notify.get("notify_backup")),
        Optional.ofNullable(notify.get("notify_fault")),
        Optional.ofNullable(notify.get("notify_stop")),
        Optional.ofNullable(notify.get("notify")));
  }

  /**
   * {@code track_interface { NAME [weight N] }} as keepalived 2.2.7 checks it (vrrp_track.c
   * alloc_track_if): N in -253..253, each interface once; {@code reverse} is not supported.
   */
  private void readTrackedInterfaces(ConfigStatement block, List<TrackSpec> into) {
    if (!requireBlock(block)) {
      return;
    }
    List<String> seen = new ArrayList<>();
    for (ConfigStatement line : block.block()) {
      String name = line.keyword();
      List<String> args = line.args();
      if (seen.contains(name)) {
        problems.error(line, "track_interface " + name + " is listed twice");
        continue;
      }
      seen.add(name);
      if (args.isEmpty()) {
        into.add(new TrackSpec(name, OptionalInt.empty()));
      } else if (!args.get(0).equals("weight")) {
        problems.error(
            line, "unknown track_interface option '" + args.get(0) + "' (expected weight)");
      } else if (args.size() == 1) {
        problems.error(line, "weight needs a value, -253..253");
      } else if (args.size() > 2) {
        problems.error(
            line,
            args.get(2).equals("reverse")
                ? "'reverse' weights are not supported"
                : "unexpected '" + args.get(2) + "' after the weight");
      } else {
        try {
          int weight = ConfigNumbers.parseInt(args.get(1), -253, 253);
          into.add(new TrackSpec(name, OptionalInt.of(weight)));
        } catch (NumberFormatException e) {
          problems.error(line, "weight: " + e.getMessage());
        }
      }
    }
  }

  private void readPeers(ConfigStatement block, List<IpAddress> into, InstanceFamily family) {
    if (!requireBlock(block)) {
      return;
    }
    for (ConfigStatement line : block.block()) {
      parseAddress(line, line.keyword())
          .filter(peer -> family.unicast(line, peer))
          .ifPresent(into::add);
      if (!line.args().isEmpty()) {
        problems.error(line, "peer options (min_ttl, max_ttl) are not supported");
      }
    }
  }

  private Optional<IpAddress> address(ConfigStatement s, InstanceFamily family) {
    return oneArg(s)
        .flatMap(text -> parseAddress(s, text))
        .filter(address -> family.unicast(s, address));
  }

  /**
   * An IPv4 or IPv6 address; an invalid IPv6 one is named as keepalived names it ("VRRP parsed
   * invalid IP"). keepalived tells the families apart the same way: an IPv6 literal has a colon.
   */
  private Optional<IpAddress> parseAddress(ConfigStatement s, String text) {
    try {
      return Optional.of(
          isIpv6(text)
              ? IpAddress.parse(text)
              : IpAddress.ofBytes(Ipv4Address.parse(text).toBytes()));
    } catch (IllegalArgumentException e) {
      problems.error(s, (isIpv6(text) ? "not a valid IP address: " : "") + e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean isIpv6(String text) {
    return text.indexOf(':') >= 0;
  }

  /** A dotted-quad VIP as the family-neutral value the specs carry. */
  private static IpCidr ipv4(Ipv4Cidr cidr) {
    return new IpCidr(IpAddress.ofBytes(cidr.address().toBytes()), cidr.prefixLength());
  }

  /** fe80::/10, RFC 4291 §2.5.6. */
  private static boolean isLinkLocal(IpAddress address) {
    byte[] bytes = address.toBytes();
    return (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80;
  }

  private Optional<Integer> weight(ConfigStatement s) {
    if (s.args().size() == 2 && s.args().get(1).equals("reverse")) {
      problems.error(s, "'reverse' weights are not supported");
      return Optional.empty();
    }
    return integer(s, -253, 253);
  }

  private Optional<Integer> integer(ConfigStatement s, int min, int max) {
    Optional<String> text = oneArg(s);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigNumbers.parseInt(text.get(), min, max));
    } catch (NumberFormatException e) {
      problems.error(s, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Duration> seconds(ConfigStatement s, double min, double max) {
    Optional<String> text = oneArg(s);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Duration value = ConfigDurations.parseSeconds(text.get());
      double asSeconds = value.toNanos() / 1e9;
      if (asSeconds < min || asSeconds > max) {
        problems.error(s, "must be " + min + "-" + max + " seconds, got " + text.get());
        return Optional.empty();
      }
      return Optional.of(value);
    } catch (IllegalArgumentException e) {
      problems.error(s, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<String> oneArg(ConfigStatement s) {
    if (s.args().size() != 1) {
      problems.error(s, "expects exactly one value, got " + s.args().size());
      return Optional.empty();
    }
    return Optional.of(s.args().get(0));
  }

  private boolean requireBlock(ConfigStatement s) {
    if (!s.hasBlock()) {
      problems.error(s, "expects a { ... } block");
      return false;
    }
    return true;
  }
}
