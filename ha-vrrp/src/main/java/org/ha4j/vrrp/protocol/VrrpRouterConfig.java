package org.ha4j.vrrp.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpWireFormat;

/**
 * Everything one virtual router needs to run the protocol: one keepalived {@code vrrp_instance}, as
 * immutable values. Build it with {@link #builder()}; the defaults are keepalived's.
 *
 * <p>{@link Builder#build()} also applies keepalived's own corrections of contradictory settings
 * ({@code vrrp.c}, instance completion): it does not fail on them, it clears the setting that
 * cannot work and records why in {@link #warnings()}, so that a keepalived.conf which keepalived
 * accepts with a warning loads here too:
 *
 * <ul>
 *   <li>{@code nopreempt} on the address owner (priority 255) is cleared: an owner always preempts
 *       (RFC 3768 §6.1);
 *   <li>{@code nopreempt} with {@code state MASTER} is cleared (keepalived: "nopreempt will not
 *       work with initial state MASTER");
 *   <li>{@code preempt_delay} with {@code state MASTER} or with {@code nopreempt} is cleared;
 *   <li>weights of tracked inputs on the owner are ignored (keepalived removes them): an owner's
 *       priority never changes. A weight-0 input still puts the owner in FAULT.
 * </ul>
 */
public final class VrrpRouterConfig {

  /** RFC 3768 §5.3.4: the priority of the router that owns the virtual addresses. */
  public static final int OWNER_PRIORITY = 255;

  /** RFC 3768 §5.3.4: the default priority of a backup router. */
  public static final int DEFAULT_PRIORITY = 100;

  /** RFC 3768 §5.3.7 default, in seconds (also RFC 9568's default of 100 centiseconds). */
  public static final int DEFAULT_ADVERT_INTERVAL_SECONDS = 1;

  /** The VRRPv3 interval range: 1-4095 centiseconds (RFC 9568 §5.2.7). */
  private static final long CENTISECOND_NANOS = 10_000_000L;

  /** keepalived's {@code preempt_delay} upper bound, in seconds. */
  public static final int MAX_PREEMPT_DELAY_SECONDS = 1000;

  /** keepalived {@code vrrp_garp_master_delay} default ({@code vrrp.h}, VRRP_GARP_DELAY). */
  public static final Duration DEFAULT_GARP_MASTER_DELAY = Duration.ofSeconds(5);

  /** keepalived {@code vrrp_garp_master_repeat} default (VRRP_GARP_REP). */
  public static final int DEFAULT_GARP_MASTER_REPEAT = 5;

  /** keepalived {@code vrrp_garp_master_refresh_repeat} default (VRRP_GARP_REFRESH_REP). */
  public static final int DEFAULT_GARP_MASTER_REFRESH_REPEAT = 1;

  /**
   * keepalived's {@code state}: what the router is meant to be. See {@link Builder#initialState}.
   */
  public enum InitialState {
    MASTER,
    BACKUP
  }

  private final String instanceName;
  private final int virtualRouterId;
  private final int priority;
  private final int version;
  private final Duration advertInterval;
  private final boolean acceptMode;
  private final boolean preempt;
  private final Duration preemptDelay;
  private final InitialState initialState;
  private final List<Ipv4Cidr> virtualAddresses;
  private final List<Ipv4Cidr> excludedAddresses;
  private final List<Ipv4Cidr> heldAddresses;
  private final VrrpAuthentication authentication;
  private final Ipv4Address primaryAddress;
  private final List<TrackedInput> trackedInputs;
  private final Duration garpMasterDelay;
  private final int garpMasterRepeat;
  private final Duration garpMasterRefresh;
  private final int garpMasterRefreshRepeat;
  private final boolean advertiseOnLowerPriority;
  private final List<String> warnings;

  private VrrpRouterConfig(
      Builder b,
      boolean preempt,
      Duration preemptDelay,
      List<TrackedInput> tracked,
      List<String> warnings) {
    this.instanceName = b.instanceName != null ? b.instanceName : "VRID_" + b.virtualRouterId;
    this.virtualRouterId = b.virtualRouterId;
    this.priority = b.priority;
    this.version = b.version;
    this.advertInterval = b.advertInterval;
    this.acceptMode = b.acceptMode;
    this.preempt = preempt;
    this.preemptDelay = preemptDelay;
    this.initialState = resolvedInitialState(b);
    this.virtualAddresses = List.copyOf(b.virtualAddresses);
    this.excludedAddresses = List.copyOf(b.excludedAddresses);
    List<Ipv4Cidr> held = new ArrayList<>(virtualAddresses);
    held.addAll(excludedAddresses);
    this.heldAddresses = List.copyOf(held);
    this.authentication = b.authentication;
    this.primaryAddress = b.primaryAddress;
    this.trackedInputs = List.copyOf(tracked);
    this.garpMasterDelay = b.garpMasterDelay;
    this.garpMasterRepeat = b.garpMasterRepeat;
    this.garpMasterRefresh = b.garpMasterRefresh;
    this.garpMasterRefreshRepeat = b.garpMasterRefreshRepeat;
    this.advertiseOnLowerPriority = b.advertiseOnLowerPriority;
    this.warnings = List.copyOf(warnings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .instanceName(instanceName)
            .virtualRouterId(virtualRouterId)
            .priority(priority)
            .version(version)
            .advertInterval(advertInterval)
            .acceptMode(acceptMode)
            .preempt(preempt)
            .preemptDelay(preemptDelay)
            .initialState(initialState)
            .virtualAddresses(virtualAddresses)
            .excludedAddresses(excludedAddresses)
            .authentication(authentication)
            .primaryAddress(primaryAddress)
            .garpMasterDelay(garpMasterDelay)
            .garpMasterRepeat(garpMasterRepeat)
            .garpMasterRefresh(garpMasterRefresh)
            .garpMasterRefreshRepeat(garpMasterRefreshRepeat)
            .advertiseOnLowerPriority(advertiseOnLowerPriority);
    trackedInputs.forEach(b::track);
    return b;
  }

  /** keepalived's instance name ({@code vrrp_instance VI_1}); defaults to {@code VRID_<vrid>}. */
  public String instanceName() {
    return instanceName;
  }

  public int virtualRouterId() {
    return virtualRouterId;
  }

  /** The configured (base) priority, 1-255; the effective one also counts tracked inputs. */
  public int priority() {
    return priority;
  }

  public boolean isAddressOwner() {
    return priority == OWNER_PRIORITY;
  }

  /** The VRRP version this router speaks: 2 (RFC 3768, the default) or 3 (RFC 9568). */
  public int version() {
    return version;
  }

  /**
   * The Advertisement_Interval: whole seconds 1-255 under VRRPv2, 0.01-40.95 s in centiseconds
   * under VRRPv3.
   */
  public Duration advertInterval() {
    return advertInterval;
  }

  /** The interval in centiseconds, as a VRRPv3 advertisement carries it. */
  public int advertIntervalCentis() {
    return (int) (advertInterval.toNanos() / CENTISECOND_NANOS);
  }

  /**
   * The VRRPv2 interval in whole seconds.
   *
   * @throws IllegalStateException under VRRPv3, whose interval need not be whole seconds: read
   *     {@link #advertInterval()}
   */
  public int advertIntervalSeconds() {
    if (version != VrrpWireFormat.VERSION) {
      throw new IllegalStateException(
          "a VRRPv3 interval need not be whole seconds ("
              + advertInterval
              + "): use advertInterval()");
    }
    return (int) advertInterval.getSeconds();
  }

  /**
   * RFC 9568 §6.1 Accept_Mode: whether this router, as master, accepts packets addressed to virtual
   * addresses it does not own (the address owner always does). The state machine only carries it:
   * {@link VrrpSnapshot#acceptsVirtualAddressTraffic()} tells the driver when to let such packets
   * in. Default true, as keepalived without {@code vrrp_strict} (RFC 9568's default is false).
   */
  public boolean acceptMode() {
    return acceptMode;
  }

  /** RFC 3768 §6.1 Preempt_Mode (keepalived: false with {@code nopreempt}). */
  public boolean preempt() {
    return preempt;
  }

  /** Whether this router takes over from a lower-priority master: preempt mode on, or the owner. */
  public boolean preempts() {
    return preempt || isAddressOwner();
  }

  /** keepalived's {@code preempt_delay}; {@link Duration#ZERO} for none. */
  public Duration preemptDelay() {
    return preemptDelay;
  }

  public InitialState initialState() {
    return initialState;
  }

  /** The virtual addresses, in the order every advertisement carries them. */
  public List<Ipv4Cidr> virtualAddresses() {
    return virtualAddresses;
  }

  /**
   * keepalived's {@code virtual_ipaddress_excluded}: held and announced with the virtual addresses,
   * never carried in an advertisement (so peers need not list them, and more than 255 fit).
   */
  public List<Ipv4Cidr> excludedAddresses() {
    return excludedAddresses;
  }

  /** What a master holds: the virtual addresses, then the excluded ones. */
  public List<Ipv4Cidr> heldAddresses() {
    return heldAddresses;
  }

  public VrrpAuthentication authentication() {
    return authentication;
  }

  /**
   * The primary address of the interface: the source of adverts and the RFC 3768 §6.4.3
   * tie-breaker.
   */
  public Ipv4Address primaryAddress() {
    return primaryAddress;
  }

  public List<TrackedInput> trackedInputs() {
    return trackedInputs;
  }

  /** Delay of the second gratuitous ARP burst after becoming master; zero for none. */
  public Duration garpMasterDelay() {
    return garpMasterDelay;
  }

  /** Gratuitous ARPs per virtual address in each burst on becoming master. */
  public int garpMasterRepeat() {
    return garpMasterRepeat;
  }

  /** Period of refresh gratuitous ARPs while master; zero (keepalived's default) for none. */
  public Duration garpMasterRefresh() {
    return garpMasterRefresh;
  }

  public int garpMasterRefreshRepeat() {
    return garpMasterRefreshRepeat;
  }

  /**
   * Whether a master answers an advertisement of lower priority with an immediate advertisement of
   * its own. On by default, as keepalived (unless {@code lower_prio_no_advert}) and RFC 9568 §6.4.3
   * do: after a split brain heals, the lower master hears the higher one at once instead of up to
   * one interval later. RFC 3768 itself only discards the advertisement.
   */
  public boolean advertiseOnLowerPriority() {
    return advertiseOnLowerPriority;
  }

  /** What {@link Builder#build()} corrected, keepalived style; empty when nothing was. */
  public List<String> warnings() {
    return warnings;
  }

  /** The advertisement this router sends, at the given priority (RFC 3768 §7.2). */
  public VrrpAdvertisement advertisement(int advertisedPriority) {
    List<Ipv4Address> addresses = new ArrayList<>(virtualAddresses.size());
    for (Ipv4Cidr vip : virtualAddresses) {
      addresses.add(vip.address());
    }
    if (version == VrrpWireFormat.VERSION_3) {
      return VrrpAdvertisement.v3(
          virtualRouterId, advertisedPriority, advertIntervalCentis(), addresses);
    }
    return new VrrpAdvertisement(
        virtualRouterId, advertisedPriority, authentication, advertIntervalSeconds(), addresses);
  }

  /**
   * Value equality over every setting (warnings excluded), e.g. to tell whether a reload changed
   * anything.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpRouterConfig other
        && instanceName.equals(other.instanceName)
        && virtualRouterId == other.virtualRouterId
        && priority == other.priority
        && version == other.version
        && advertInterval.equals(other.advertInterval)
        && acceptMode == other.acceptMode
        && preempt == other.preempt
        && preemptDelay.equals(other.preemptDelay)
        && initialState == other.initialState
        && virtualAddresses.equals(other.virtualAddresses)
        && excludedAddresses.equals(other.excludedAddresses)
        && authentication.equals(other.authentication)
        && primaryAddress.equals(other.primaryAddress)
        && trackedInputs.equals(other.trackedInputs)
        && garpMasterDelay.equals(other.garpMasterDelay)
        && garpMasterRepeat == other.garpMasterRepeat
        && garpMasterRefresh.equals(other.garpMasterRefresh)
        && garpMasterRefreshRepeat == other.garpMasterRefreshRepeat
        && advertiseOnLowerPriority == other.advertiseOnLowerPriority;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        instanceName,
        virtualRouterId,
        priority,
        version,
        advertInterval,
        acceptMode,
        preempt,
        preemptDelay,
        initialState,
        virtualAddresses,
        excludedAddresses,
        authentication,
        primaryAddress,
        trackedInputs,
        garpMasterDelay,
        garpMasterRepeat,
        garpMasterRefresh,
        garpMasterRefreshRepeat,
        advertiseOnLowerPriority);
  }

  @Override
  public String toString() {
    return instanceName
        + "{vrid "
        + virtualRouterId
        + ", priority "
        + priority
        + (version == VrrpWireFormat.VERSION ? "" : ", version " + version)
        + ", advert_int "
        + VrrpTiming.plainSeconds(advertInterval.toNanos())
        + " s, "
        + (preempt ? "preempt" : "nopreempt")
        + (preemptDelay.isZero() ? "" : ", preempt_delay " + preemptDelay.toMillis() + " ms")
        + ", state "
        + initialState
        + ", primary "
        + primaryAddress
        + ", vips "
        + virtualAddresses
        + (excludedAddresses.isEmpty() ? "" : ", excluded " + excludedAddresses)
        + ", track "
        + trackedInputs
        + "}";
  }

  /**
   * Checks an interval against a version: whole seconds 1-255 under VRRPv2, whole centiseconds
   * 1-4095 under VRRPv3.
   *
   * @throws IllegalArgumentException stating the range of that version
   */
  public static void checkAdvertInterval(int version, Duration interval) {
    long nanos = interval.toNanos();
    if (version == VrrpWireFormat.VERSION) {
      if (nanos % 1_000_000_000L != 0 || nanos < 1_000_000_000L || nanos > 255_000_000_000L) {
        throw new IllegalArgumentException(
            "advert_int must be whole seconds 1-255 under VRRPv2, got "
                + VrrpTiming.plainSeconds(nanos)
                + " s");
      }
    } else if (nanos % CENTISECOND_NANOS != 0
        || nanos < CENTISECOND_NANOS
        || nanos > VrrpWireFormat.MAX_ADVERT_INTERVAL_CENTIS * CENTISECOND_NANOS) {
      throw new IllegalArgumentException(
          "advert_int must be 0.01-40.95 s in steps of 0.01 s under VRRPv3, got "
              + VrrpTiming.plainSeconds(nanos)
              + " s");
    }
  }

  private static InitialState resolvedInitialState(Builder b) {
    if (b.initialState != null) {
      return b.initialState;
    }
    // keepalived derives the state from the priority when none is given (vrrp.c, instance
    // completion).
    return b.priority == OWNER_PRIORITY ? InitialState.MASTER : InitialState.BACKUP;
  }

  /** Collects the settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String instanceName;
    private int virtualRouterId;
    private int priority = DEFAULT_PRIORITY;
    private int version = VrrpWireFormat.VERSION;
    private Duration advertInterval = Duration.ofSeconds(DEFAULT_ADVERT_INTERVAL_SECONDS);
    private boolean acceptMode = true;
    private boolean preempt = true;
    private Duration preemptDelay = Duration.ZERO;
    private InitialState initialState;
    private final List<Ipv4Cidr> virtualAddresses = new ArrayList<>();
    private final List<Ipv4Cidr> excludedAddresses = new ArrayList<>();
    private VrrpAuthentication authentication = VrrpAuthentication.none();
    private Ipv4Address primaryAddress;
    private final List<TrackedInput> trackedInputs = new ArrayList<>();
    private Duration garpMasterDelay = DEFAULT_GARP_MASTER_DELAY;
    private int garpMasterRepeat = DEFAULT_GARP_MASTER_REPEAT;
    private Duration garpMasterRefresh = Duration.ZERO;
    private int garpMasterRefreshRepeat = DEFAULT_GARP_MASTER_REFRESH_REPEAT;
    private boolean advertiseOnLowerPriority = true;

    private Builder() {}

    public Builder instanceName(String name) {
      this.instanceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Required, 1-255 (RFC 3768 §5.3.3; there is no default). */
    public Builder virtualRouterId(int vrid) {
      if (vrid < 1 || vrid > 255) {
        throw new IllegalArgumentException("virtual_router_id must be 1-255, got " + vrid);
      }
      this.virtualRouterId = vrid;
      return this;
    }

    /** 1-255, default 100; 255 makes this router the address owner (RFC 3768 §5.3.4). */
    public Builder priority(int priority) {
      if (priority < 1 || priority > OWNER_PRIORITY) {
        throw new IllegalArgumentException("priority must be 1-255, got " + priority);
      }
      this.priority = priority;
      return this;
    }

    /** 1-255 whole seconds, default 1 (RFC 3768 §5.3.7: VRRPv2 carries whole seconds only). */
    public Builder advertIntervalSeconds(int seconds) {
      if (seconds < 1 || seconds > 255) {
        throw new IllegalArgumentException("advert_int must be 1-255 s, got " + seconds);
      }
      this.advertInterval = Duration.ofSeconds(seconds);
      return this;
    }

    /** 2 (RFC 3768, the default) or 3 (RFC 9568). */
    public Builder version(int version) {
      if (version != VrrpWireFormat.VERSION && version != VrrpWireFormat.VERSION_3) {
        throw new IllegalArgumentException("VRRP version must be 2 or 3, got " + version);
      }
      this.version = version;
      return this;
    }

    /**
     * The advertisement interval: whole seconds 1-255 under VRRPv2; 0.01-40.95 s in steps of 0.01 s
     * under VRRPv3 (RFC 9568 §5.2.7). Checked against the version by {@link #build()}.
     */
    public Builder advertInterval(Duration interval) {
      this.advertInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** RFC 9568 §6.1 Accept_Mode; see {@link VrrpRouterConfig#acceptMode()}. */
    public Builder acceptMode(boolean accept) {
      this.acceptMode = accept;
      return this;
    }

    /** Default true; false is keepalived's {@code nopreempt}. */
    public Builder preempt(boolean preempt) {
      this.preempt = preempt;
      return this;
    }

    /** keepalived's {@code preempt_delay}: 0-1000 s, default 0. */
    public Builder preemptDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()
          || delay.compareTo(Duration.ofSeconds(MAX_PREEMPT_DELAY_SECONDS)) > 0) {
        throw new IllegalArgumentException("preempt_delay must be 0-1000 s, got " + delay);
      }
      this.preemptDelay = delay;
      return this;
    }

    /**
     * keepalived's {@code state}. Like keepalived 2.2.7, MASTER makes a router start as MASTER only
     * if it is the address owner; any other router starts in BACKUP and waits a full
     * Master_Down_Interval, whatever this says. It still matters: it clears {@code nopreempt} and
     * {@code preempt_delay}, as in keepalived. Default: MASTER for priority 255, else BACKUP.
     */
    public Builder initialState(InitialState state) {
      this.initialState = Objects.requireNonNull(state, "state");
      return this;
    }

    public Builder addVirtualAddress(Ipv4Cidr address) {
      virtualAddresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** Replaces the virtual addresses; at most 255 (one advertisement carries them all). */
    public Builder virtualAddresses(List<Ipv4Cidr> addresses) {
      virtualAddresses.clear();
      addresses.forEach(this::addVirtualAddress);
      return this;
    }

    /**
     * Replaces the excluded addresses (keepalived's {@code virtual_ipaddress_excluded}): added and
     * removed with the virtual addresses, never advertised.
     */
    public Builder excludedAddresses(List<Ipv4Cidr> addresses) {
      excludedAddresses.clear();
      for (Ipv4Cidr address : addresses) {
        excludedAddresses.add(Objects.requireNonNull(address, "address"));
      }
      return this;
    }

    /** Default: none (RFC 3768 Auth Type 0). */
    public Builder authentication(VrrpAuthentication authentication) {
      this.authentication = Objects.requireNonNull(authentication, "authentication");
      return this;
    }

    /**
     * Required: the interface's primary address (keepalived: the interface address, or
     * mcast_src_ip).
     */
    public Builder primaryAddress(Ipv4Address address) {
      this.primaryAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    public Builder track(TrackedInput input) {
      trackedInputs.add(Objects.requireNonNull(input, "input"));
      return this;
    }

    /** Shorthand for {@code track(new TrackedInput(name, weight))}. */
    public Builder track(String name, int weight) {
      return track(new TrackedInput(name, weight));
    }

    /**
     * Zero or more; zero disables the second burst (keepalived's {@code vrrp_min_garp} behaviour).
     */
    public Builder garpMasterDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("garp_master_delay must be >= 0, got " + delay);
      }
      this.garpMasterDelay = delay;
      return this;
    }

    /** 0-255 gratuitous ARPs per address per burst; 0 sends none. */
    public Builder garpMasterRepeat(int repeat) {
      if (repeat < 0 || repeat > 255) {
        throw new IllegalArgumentException("garp_master_repeat must be 0-255, got " + repeat);
      }
      this.garpMasterRepeat = repeat;
      return this;
    }

    /** Zero (default) or a positive period for refresh gratuitous ARPs while master. */
    public Builder garpMasterRefresh(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.isNegative()) {
        throw new IllegalArgumentException("garp_master_refresh must be >= 0, got " + period);
      }
      this.garpMasterRefresh = period;
      return this;
    }

    /** 1-255, default 1. */
    public Builder garpMasterRefreshRepeat(int repeat) {
      if (repeat < 1 || repeat > 255) {
        throw new IllegalArgumentException(
            "garp_master_refresh_repeat must be 1-255, got " + repeat);
      }
      this.garpMasterRefreshRepeat = repeat;
      return this;
    }

    /** Default true; false is keepalived's {@code lower_prio_no_advert}. */
    public Builder advertiseOnLowerPriority(boolean advertise) {
      this.advertiseOnLowerPriority = advertise;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the VRID or primary address is missing, a tracked name
     *     repeats, or there are more than 255 virtual addresses
     */
    public VrrpRouterConfig build() {
      if (virtualRouterId == 0) {
        throw new IllegalArgumentException("virtual_router_id is required (1-255)");
      }
      if (primaryAddress == null) {
        throw new IllegalArgumentException("primary address is required");
      }
      if (virtualAddresses.size() > 255) {
        throw new IllegalArgumentException(
            "at most 255 virtual addresses, got " + virtualAddresses.size());
      }
      Set<Ipv4Address> held = new HashSet<>();
      for (Ipv4Cidr address : virtualAddresses) {
        held.add(address.address());
      }
      for (Ipv4Cidr address : excludedAddresses) {
        if (!held.add(address.address())) {
          throw new IllegalArgumentException(
              "address " + address.address() + " is both a virtual and an excluded address");
        }
      }

      checkAdvertInterval(version, advertInterval);
      Set<String> names = new HashSet<>();
      for (TrackedInput input : trackedInputs) {
        if (!names.add(input.name())) {
          throw new IllegalArgumentException("tracked input '" + input.name() + "' given twice");
        }
      }
      List<String> warnings = new ArrayList<>();
      boolean owner = priority == OWNER_PRIORITY;
      boolean effectivePreempt = preempt;
      Duration effectiveDelay = preemptDelay;
      InitialState state = resolvedInitialState(this);
      if (owner && !effectivePreempt) {
        warnings.add(
            "nopreempt is incompatible with priority 255 (the owner always preempts): cleared");
        effectivePreempt = true;
      }
      if (state == InitialState.MASTER && !effectivePreempt) {
        warnings.add("nopreempt will not work with initial state MASTER: cleared");
        effectivePreempt = true;
      }
      if (!effectiveDelay.isZero() && state == InitialState.MASTER) {
        warnings.add("preempt_delay will not work with initial state MASTER: cleared");
        effectiveDelay = Duration.ZERO;
      }
      if (!effectiveDelay.isZero() && !effectivePreempt) {
        warnings.add("preempt_delay is incompatible with nopreempt: cleared");
        effectiveDelay = Duration.ZERO;
      }
      if (version == VrrpWireFormat.VERSION_3
          && authentication.type() != VrrpAuthentication.TYPE_NONE) {
        warnings.add("authentication is not supported with VRRPv3 (RFC 9568 §9): ignored");
      }
      List<TrackedInput> tracked = new ArrayList<>(trackedInputs);
      if (owner) {
        for (TrackedInput input : tracked) {
          if (input.weight() != 0) {
            warnings.add(
                "weight "
                    + input.weight()
                    + " of '"
                    + input.name()
                    + "' ignored: the owner's priority (255) never changes");
          }
        }
      }
      return new VrrpRouterConfig(this, effectivePreempt, effectiveDelay, tracked, warnings);
    }
  }
}
