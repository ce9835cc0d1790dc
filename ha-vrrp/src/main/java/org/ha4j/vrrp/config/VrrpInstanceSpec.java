package org.ha4j.vrrp.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.NotifyScripts;
import org.ha4j.vrrp.codec.VrrpAuthentication;

/**
 * A keepalived {@code vrrp_instance} block as read, with keepalived's defaults filled in.
 *
 * @param name the instance name ({@code VI_1})
 * @param initialStateMaster {@code state MASTER} (true) or {@code BACKUP} (false, the default)
 * @param interfaceName {@code interface}
 * @param virtualRouterId {@code virtual_router_id}, 1-255
 * @param priority {@code priority}, 1-255; keepalived's default is 255 with state MASTER, else 100
 * @param version the VRRP version, 2 or 3: the instance's {@code version}, else {@code global_defs
 *     { vrrp_version }}, else 2
 * @param advertInterval {@code advert_int} as the advert carries it: whole seconds 1-255 under
 *     VRRPv2, 0.01-40.95 s in hundredths under VRRPv3
 * @param authentication {@code authentication { auth_type PASS; auth_pass ... }}, or none (always
 *     none under VRRPv3, which has no authentication)
 * @param virtualAddresses {@code virtual_ipaddress}
 * @param excludedAddresses {@code virtual_ipaddress_excluded}: held with the VIPs, not advertised
 * @param trackScripts {@code track_script}
 * @param trackInterfaces {@code track_interface}
 * @param preempt false with {@code nopreempt}
 * @param preemptDelay {@code preempt_delay}, 0 by default
 * @param acceptMode RFC 9568 Accept_Mode: false with {@code no_accept}, true by default as in
 *     keepalived without {@code vrrp_strict}
 * @param unicastSource {@code unicast_src_ip}
 * @param unicastPeers {@code unicast_peer}; empty means multicast. Addresses are all of the
 *     instance's family: IPv6 ones make it a VRRPv3 instance over IPv6
 * @param notifyScripts the notify scripts
 * @param garp the gratuitous ARP settings
 * @param location where the block starts
 */
public record VrrpInstanceSpec(
    String name,
    boolean initialStateMaster,
    String interfaceName,
    int virtualRouterId,
    int priority,
    int version,
    Duration advertInterval,
    VrrpAuthentication authentication,
    List<VirtualAddressSpec> virtualAddresses,
    List<VirtualAddressSpec> excludedAddresses,
    List<TrackSpec> trackScripts,
    List<TrackSpec> trackInterfaces,
    boolean preempt,
    Duration preemptDelay,
    boolean acceptMode,
    Optional<IpAddress> unicastSource,
    List<IpAddress> unicastPeers,
    NotifyScripts notifyScripts,
    GarpSpec garp,
    ConfigLocation location) {

  public VrrpInstanceSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(advertInterval, "advertInterval");
    Objects.requireNonNull(authentication, "authentication");
    virtualAddresses = List.copyOf(virtualAddresses);
    excludedAddresses = List.copyOf(excludedAddresses);
    trackScripts = List.copyOf(trackScripts);
    trackInterfaces = List.copyOf(trackInterfaces);
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    Objects.requireNonNull(unicastSource, "unicastSource");
    unicastPeers = List.copyOf(unicastPeers);
    Objects.requireNonNull(notifyScripts, "notifyScripts");
    Objects.requireNonNull(garp, "garp");
    Objects.requireNonNull(location, "location");
  }

  /**
   * keepalived's gratuitous ARP settings, defaults from keepalived.conf(5): a burst of 5 on
   * becoming master, another 5 after 5 s, no periodic refresh.
   *
   * @param masterDelay {@code garp_master_delay}: wait before the second burst (0 = no second
   *     burst)
   * @param masterRepeat {@code garp_master_repeat}: GARPs per burst
   * @param masterRefresh {@code garp_master_refresh}: period of refresh bursts while master (0 =
   *     never)
   * @param masterRefreshRepeat {@code garp_master_refresh_repeat}: GARPs per refresh burst
   */
  public record GarpSpec(
      Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat) {

    public static final GarpSpec KEEPALIVED_DEFAULTS =
        new GarpSpec(Duration.ofSeconds(5), 5, Duration.ZERO, 1);

    public GarpSpec {
      Objects.requireNonNull(masterDelay, "masterDelay");
      Objects.requireNonNull(masterRefresh, "masterRefresh");
    }
  }
}
