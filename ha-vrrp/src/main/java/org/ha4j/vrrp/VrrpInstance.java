package org.ha4j.vrrp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;

/**
 * One VRRPv2 virtual router on a real interface: keepalived's {@code vrrp_instance}, in the JVM.
 *
 * <pre>{@code
 * try (VrrpInstance vip = VrrpInstance.builder()
 *         .interfaceName("eth0").virtualRouterId(51).priority(100)
 *         .authPassword("1111")
 *         .virtualAddress("192.168.122.100/24")
 *         .track(proxyHealth, 0)            // weight 0: FAULT while DOWN, as keepalived
 *         .listener(new VrrpListener() {
 *             public void onStateChange(VrrpInstance i, VrrpState from, VrrpState to, String why) {
 *                 log.info("{} -> {} ({})", from, to, why);
 *             }
 *         })
 *         .build()) {
 *     vip.start();
 *     ...
 * }   // close(): a MASTER sends priority 0, then removes the VIPs
 * }</pre>
 *
 * <p>The protocol ({@link org.ha4j.vrrp.protocol.VrrpStateMachine}) runs on one thread with the
 * real monotonic clock; packets, link changes and health changes are queued to it. Needs
 * CAP_NET_RAW (raw and packet sockets) and CAP_NET_ADMIN (addresses); {@link #start()} says which
 * is missing.
 */
public interface VrrpInstance extends Lifecycle {

  /** A builder with keepalived's defaults. */
  static Builder builder() {
    return new Builder();
  }

  String name();

  /** The current state and counters; callable from any thread. */
  VrrpInstanceSnapshot snapshot();

  /**
   * Joins the VRRP group, removes VIPs a crashed run left behind, and starts as BACKUP (or MASTER
   * when the address owner). Throws, leaving nothing behind, when the interface is missing, has no
   * IPv4 address, or a privilege is missing.
   */
  @Override
  void start() throws IOException;

  /**
   * Leaves gracefully: a MASTER sends a priority-0 advertisement (the backup takes over after its
   * Skew_Time, RFC 3768 §6.4.3) and then removes its VIPs. Blocks until done. Idempotent.
   */
  @Override
  void stop();

  /**
   * Adopts the settings of {@code replacement} while running, without a state transition unless the
   * change itself demands one; returns once they are in effect.
   *
   * <p>{@code replacement} is a new instance from {@link #builder()} that was never started; this
   * call consumes it ({@link #start()} on it afterwards throws {@link IllegalStateException}). It
   * must have this instance's name, interface, virtual router id, VRRP version, address family,
   * address-owner status (priority 255 or not) and sync group (by name; the instance stays in the
   * group it started in): a change to any of these needs a restart, and this call throws {@link
   * IllegalArgumentException} naming the field and consumes nothing, so the caller can stop this
   * instance gracefully and start the replacement. The instance stays with the {@link
   * VrrpSyncGroup} object it started with: when a reload changes which instances a group holds, the
   * caller restarts all of its members (a group object cannot take in members of another).
   *
   * <p>Adopted live: base priority, advert interval, preempt and preempt delay, virtual and
   * excluded addresses, tracked health sources and their weights (old subscriptions cancelled, new
   * ones made, the effective priority recomputed), tracked interfaces, unicast source and peers
   * (the sockets reopened when they change), authentication, the GARP timers, notify scripts and
   * listeners.
   *
   * <p>An IPv6 instance adopts live all of the above that is not an address. Its VIPs, excluded
   * addresses, unicast source and peers need a restart ({@link IllegalArgumentException} naming
   * {@code IPv6 virtual_ipaddress}, {@code IPv6 virtual_ipaddress_excluded}, {@code IPv6
   * unicast_src_ip} or {@code IPv6 unicast_peer}): the protocol core names IPv6 VIPs by stand-ins
   * numbered by position, and the IPv6 sockets are bound to the source and peers.
   *
   * <ul>
   *   <li>A MASTER stays MASTER: its next advertisement carries the new priority and interval (the
   *       peers decide by their own rules). VIPs added are assigned and announced (one burst of
   *       {@code garp_master_repeat} gratuitous ARPs), VIPs removed are deleted, VIPs in both are
   *       left alone (no flap, no extra ARP).
   *   <li>A BACKUP recomputes its running Master_Down_Interval (v2) or Skew_Time (v3) from the new
   *       priority and interval, never expiring earlier than it was due; nothing goes on the wire
   *       and its addresses stay absent. In FAULT likewise.
   *   <li>A tracked source or interface that is DOWN now with weight 0 leads to FAULT, as it would
   *       at start; when the cause of a FAULT is no longer tracked, the instance leaves FAULT for
   *       BACKUP. Anything else keeps the state.
   * </ul>
   *
   * <p>The change runs on the instance's protocol thread, between two inputs (no race with the
   * state machine or the receiver). It is logged in one line naming what changed, and each new
   * listener hears {@link VrrpListener#onReconfigure}.
   *
   * @throws IllegalArgumentException when an identity field differs (the message names it and says
   *     the instance must be restarted), or {@code replacement} is not a new instance from {@link
   *     #builder()}
   * @throws IllegalStateException when this instance is not running, or {@code replacement} was
   *     started or consumed already
   * @throws java.io.UncheckedIOException when a newly tracked interface does not exist or new
   *     sockets cannot be opened: nothing changed then; or, should the protocol thread fail or not
   *     answer within 10 s, with "failed part way" (restart the instance)
   * @throws UnsupportedOperationException from an implementation other than the builder's (a test
   *     double, say) that does not override this
   */
  default void reconfigure(VrrpInstance replacement) {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " cannot be reconfigured; build instances with VrrpInstance.builder()");
  }

  /**
   * Collects an instance's settings. Defaults are keepalived's: priority 100, advert_int 1, preempt
   * on, no preempt_delay, no authentication, multicast, GARP 5 at once and 5 more after 5 s, no
   * refresh.
   */
  final class Builder {
    String name;
    String interfaceName;
    final VrrpRouterConfig.Builder protocol = VrrpRouterConfig.builder();
    int virtualRouterId;
    int priority = VrrpRouterConfig.DEFAULT_PRIORITY;
    int version = VrrpWireFormat.VERSION;
    final List<VirtualAddress> virtualAddresses = new ArrayList<>();
    final List<VirtualAddress> excludedAddresses = new ArrayList<>();
    Ipv4Address unicastSource;
    final List<Ipv4Address> unicastPeers = new ArrayList<>();
    boolean versionSet;
    final List<IpCidr> ipv6Addresses = new ArrayList<>();
    final List<IpCidr> ipv6Excluded = new ArrayList<>();
    IpAddress ipv6UnicastSource;
    final List<IpAddress> ipv6UnicastPeers = new ArrayList<>();
    final Map<HealthSource, Integer> tracked = new LinkedHashMap<>();
    final List<VrrpListener> listeners = new ArrayList<>();
    NotifyScripts notifyScripts = NotifyScripts.none();
    VrrpSyncGroup syncGroup;
    final Map<String, Integer> trackedInterfaces = new LinkedHashMap<>();

    Builder() {}

    /** keepalived's {@code vrrp_instance NAME}; default {@code VI_<vrid>}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      protocol.instanceName(name);
      return this;
    }

    /** Required: the interface VRRP runs on (keepalived's {@code interface}). */
    public Builder interfaceName(String interfaceName) {
      if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15) {
        throw new IllegalArgumentException(
            "interface name must be 1-15 characters, got '" + interfaceName + "'");
      }
      this.interfaceName = interfaceName;
      return this;
    }

    /** Required, 1-255. */
    public Builder virtualRouterId(int vrid) {
      protocol.virtualRouterId(vrid);
      this.virtualRouterId = vrid;
      return this;
    }

    /** 1-255, default 100; 255 = the address owner. */
    public Builder priority(int priority) {
      protocol.priority(priority);
      this.priority = priority;
      return this;
    }

    /**
     * keepalived's {@code state MASTER|BACKUP}; see {@link VrrpRouterConfig.Builder#initialState}.
     */
    public Builder initialState(VrrpRouterConfig.InitialState state) {
      protocol.initialState(state);
      return this;
    }

    /** 1-255 whole seconds, default 1. */
    public Builder advertIntervalSeconds(int seconds) {
      protocol.advertIntervalSeconds(seconds);
      return this;
    }

    /**
     * The VRRP version, 2 (RFC 3768, the default) or 3 (RFC 9568: centisecond intervals, no
     * authentication); keepalived's {@code vrrp_version} / {@code version}. Every router of a VRID
     * must speak the same one: the other version's adverts are dropped, counted and logged as
     * {@code VERSION_NOT_2} or {@code VERSION_NOT_3}.
     *
     * @throws IllegalArgumentException unless 2 or 3
     */
    public Builder version(int version) {
      protocol.version(version);
      this.version = version;
      this.versionSet = true;
      return this;
    }

    /**
     * The advertisement interval, keepalived's {@code advert_int}: 0.01-40.95 s in steps of 0.01 s
     * under VRRPv3, whole seconds 1-255 under VRRPv2. Checked against the version by {@link
     * #build()}, which throws {@link IllegalArgumentException} stating the range.
     */
    public Builder advertInterval(Duration interval) {
      protocol.advertInterval(interval);
      return this;
    }

    /**
     * RFC 9568 Accept_Mode (keepalived's {@code accept} / {@code no_accept}): whether, as master,
     * this router accepts packets addressed to virtual addresses it does not own. Default true, as
     * keepalived without {@code vrrp_strict}. False: while master, an nftables table of the
     * instance's drops packets to and from the VIPs (keepalived's rules); needs the {@code nft}
     * command, removed at stop.
     */
    public Builder acceptMode(boolean accept) {
      protocol.acceptMode(accept);
      return this;
    }

    /** keepalived's {@code auth_type PASS} + {@code auth_pass}: first 8 bytes used. */
    public Builder authPassword(String password) {
      protocol.authentication(VrrpAuthentication.password(password));
      return this;
    }

    public Builder authentication(VrrpAuthentication authentication) {
      protocol.authentication(authentication);
      return this;
    }

    /**
     * A VIP, {@code A.B.C.D} (a /32, as keepalived) or {@code A.B.C.D/N}, or an IPv6 one ({@link
     * #ipv6VirtualAddress}).
     */
    public Builder virtualAddress(String cidr) {
      if (cidr.indexOf(':') >= 0) {
        return ipv6VirtualAddress(IpCidr.parse(cidr));
      }
      return virtualAddress(new VirtualAddress(Ipv4Cidr.parse(cidr), null));
    }

    /**
     * An IPv6 VIP ({@code ADDRESS} is a /128, as keepalived). An instance with IPv6 VIPs speaks
     * VRRPv3 over IPv6 (RFC 9568): all its VIPs and unicast addresses are IPv6, its version 3.
     */
    public Builder ipv6VirtualAddress(IpCidr address) {
      requireIpv6(address.address());
      ipv6Addresses.add(address);
      return this;
    }

    /** An IPv6 {@code virtual_ipaddress_excluded} entry. */
    public Builder ipv6ExcludedAddress(IpCidr address) {
      requireIpv6(address.address());
      ipv6Excluded.add(address);
      return this;
    }

    private static void requireIpv6(IpAddress address) {
      if (!address.isIpv6()) {
        throw new IllegalArgumentException("an IPv6 address is needed here, got " + address);
      }
    }

    /** A VIP with an optional {@code label IF:x}. */
    public Builder virtualAddress(VirtualAddress address) {
      virtualAddresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /**
     * keepalived's {@code virtual_ipaddress_excluded}: an address added and removed with the
     * virtual addresses on becoming and leaving MASTER, but never carried in advertisements.
     */
    public Builder excludedAddress(VirtualAddress address) {
      excludedAddresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /**
     * keepalived's {@code unicast_src_ip}: the source of adverts instead of the interface's primary
     * address.
     */
    public Builder unicastSource(Ipv4Address source) {
      this.unicastSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * keepalived's {@code unicast_peer}: adverts go to each peer, and are accepted only from them.
     */
    public Builder unicastPeer(Ipv4Address peer) {
      unicastPeers.add(Objects.requireNonNull(peer, "peer"));
      return this;
    }

    /** {@code unicast_src_ip} of either family. */
    public Builder unicastSource(IpAddress source) {
      if (source.isIpv4()) {
        return unicastSource(Ipv4Address.ofBytes(source.toBytes(), 0));
      }
      this.ipv6UnicastSource = source;
      return this;
    }

    /** A {@code unicast_peer} of either family; with IPv6, adverts go to each peer. */
    public Builder unicastPeer(IpAddress peer) {
      if (peer.isIpv4()) {
        return unicastPeer(Ipv4Address.ofBytes(peer.toBytes(), 0));
      }
      ipv6UnicastPeers.add(peer);
      return this;
    }

    /** Default true; false is keepalived's {@code nopreempt}. */
    public Builder preempt(boolean preempt) {
      protocol.preempt(preempt);
      return this;
    }

    /** keepalived's {@code preempt_delay}, 0-1000 s. */
    public Builder preemptDelay(Duration delay) {
      protocol.preemptDelay(delay);
      return this;
    }

    /** keepalived's {@code garp_master_delay} (default 5 s; zero: no second burst). */
    public Builder garpMasterDelay(Duration delay) {
      protocol.garpMasterDelay(delay);
      return this;
    }

    /** keepalived's {@code garp_master_repeat} (default 5 per burst). */
    public Builder garpMasterRepeat(int repeat) {
      protocol.garpMasterRepeat(repeat);
      return this;
    }

    /** keepalived's {@code garp_master_refresh} (default zero: never). */
    public Builder garpMasterRefresh(Duration period) {
      protocol.garpMasterRefresh(period);
      return this;
    }

    /** keepalived's {@code garp_master_refresh_repeat} (default 1). */
    public Builder garpMasterRefreshRepeat(int repeat) {
      protocol.garpMasterRefreshRepeat(repeat);
      return this;
    }

    /** Default true; false is keepalived's {@code lower_prio_no_advert}. */
    public Builder advertiseOnLowerPriority(boolean advertise) {
      protocol.advertiseOnLowerPriority(advertise);
      return this;
    }

    /**
     * Tracks a health source with keepalived's weight semantics: {@code weight > 0} is added while
     * UP, {@code weight < 0} is added while DOWN, {@code 0} means FAULT while DOWN. Names must be
     * unique.
     *
     * @param weight -253..253
     */
    public Builder track(HealthSource source, int weight) {
      Objects.requireNonNull(source, "source");
      protocol.track(source.name(), weight);
      tracked.put(source, weight);
      return this;
    }

    /**
     * Tracks the link of another interface (keepalived's {@code track_interface}): {@code weight 0}
     * means FAULT while its link is down; otherwise the weight applies as for {@link #track}. The
     * instance's own interface is always followed (FAULT while down); list it only to weight it.
     *
     * @param weight -253..253
     */
    public Builder trackInterface(String interfaceName, int weight) {
      Objects.requireNonNull(interfaceName, "interfaceName");
      if (trackedInterfaces.containsKey(interfaceName)) {
        throw new IllegalArgumentException("interface " + interfaceName + " is tracked twice");
      }
      protocol.track(trackedInterfaceInput(interfaceName), weight);
      trackedInterfaces.put(interfaceName, weight);
      return this;
    }

    /** The tracked-input name under which an interface's link state reaches the protocol. */
    static String trackedInterfaceInput(String interfaceName) {
      return "track_interface " + interfaceName;
    }

    public Builder listener(VrrpListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** keepalived-compatible notify scripts; none by default. */
    public Builder notifyScripts(NotifyScripts scripts) {
      this.notifyScripts = Objects.requireNonNull(scripts, "scripts");
      return this;
    }

    /**
     * Makes this instance a member of {@code group} (keepalived's {@code vrrp_sync_group}); at most
     * one group per instance, as in keepalived.
     */
    public Builder syncGroup(VrrpSyncGroup group) {
      Objects.requireNonNull(group, "group");
      if (syncGroup != null) {
        throw new IllegalArgumentException(
            "an instance is in at most one sync group; already in " + syncGroup.name());
      }
      syncGroup = group;
      protocol.track(SyncGroupCoordinator.trackedInputName(group.name()), 0);
      return this;
    }

    /**
     * @throws IllegalArgumentException when the interface or VRID is missing, or a setting is out
     *     of range
     */
    public VrrpInstance build() {
      if (interfaceName == null) {
        throw new IllegalArgumentException("interfaceName is required (keepalived: interface)");
      }
      if (virtualRouterId == 0) {
        throw new IllegalArgumentException(
            "virtualRouterId is required, 1-255 (keepalived: virtual_router_id)");
      }
      if (isIpv6()) {
        return buildIpv6();
      }
      if (unicastSource != null && unicastPeers.isEmpty()) {
        throw new IllegalArgumentException("unicastSource needs at least one unicastPeer");
      }
      // The instance copies what it needs: later calls on this builder change only later builds.
      String instanceName = name != null ? name : "VI_" + virtualRouterId;
      protocol.instanceName(instanceName);
      protocol.virtualAddresses(virtualAddresses.stream().map(VirtualAddress::address).toList());
      protocol.excludedAddresses(excludedAddresses.stream().map(VirtualAddress::address).toList());
      // The primary address is only known once the interface is read, in start(); a placeholder
      // lets
      // build() validate everything else now, so misuse fails here and not later.
      protocol.primaryAddress(
          unicastSource != null ? unicastSource : Ipv4Address.ofBits(0x7f000001));
      return new DefaultVrrpInstance(this, instanceName, protocol.build());
    }

    private boolean isIpv6() {
      return !ipv6Addresses.isEmpty()
          || !ipv6Excluded.isEmpty()
          || ipv6UnicastSource != null
          || !ipv6UnicastPeers.isEmpty();
    }

    /**
     * An IPv6 instance: VRRPv3 (RFC 9568 §5.1.2; VRRPv2 has no IPv6), one family throughout, the
     * core run on stand-ins for the IPv6 addresses ({@link Ipv6StandIns}).
     */
    private VrrpInstance buildIpv6() {
      if (!virtualAddresses.isEmpty()
          || !excludedAddresses.isEmpty()
          || unicastSource != null
          || !unicastPeers.isEmpty()) {
        throw new IllegalArgumentException(
            "an instance's addresses are all IPv4 or all IPv6: got IPv6 "
                + ipv6Addresses
                + ipv6UnicastPeers
                + " with IPv4 "
                + virtualAddresses
                + unicastPeers);
      }
      if (versionSet && version != VrrpWireFormat.VERSION_3) {
        throw new IllegalArgumentException(
            "IPv6 needs VRRP version 3 (RFC 9568; VRRPv2 is IPv4 only), got version " + version);
      }
      if (ipv6UnicastSource != null && ipv6UnicastPeers.isEmpty()) {
        throw new IllegalArgumentException("unicastSource needs at least one unicastPeer");
      }
      protocol.version(VrrpWireFormat.VERSION_3);
      String instanceName = name != null ? name : "VI_" + virtualRouterId;
      protocol.instanceName(instanceName);
      Ipv6StandIns standIns =
          new Ipv6StandIns(ipv6Addresses, ipv6Excluded, IpAddress.parse("fe80::"));
      protocol.virtualAddresses(standIns.virtualStandIns());
      protocol.excludedAddresses(standIns.excludedStandIns());
      protocol.primaryAddress(Ipv6StandIns.SELF);
      return new DefaultVrrpInstance(
          this,
          instanceName,
          protocol.build(),
          new Ipv6Ports.Settings(ipv6Addresses, ipv6Excluded, ipv6UnicastSource, ipv6UnicastPeers));
    }
  }
}
