package org.ha4j.vrrp.protocol;

import static org.ha4j.vrrp.protocol.VrrpTiming.seconds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpWireFormat;

/**
 * The {@link VrrpStateMachine}. Each branch quotes the RFC 3768 §6.4 row (or the keepalived
 * behaviour) it implements; under VRRPv3 the same rows of RFC 9568 §6.4, which add that a backup
 * learns the master's interval and that Skew_Time scales with it.
 */
final class StandardVrrpStateMachine implements VrrpStateMachine {

  /** RFC 3768 §5.3.4: the priority a resigning master advertises. */
  private static final int RESIGN_PRIORITY = 0;

  private static final long CENTISECOND_NANOS = 10_000_000L;

  /** Replaced by a reconfigure; its VRID, version and address-owner status never change. */
  private VrrpRouterConfig config;

  private final Map<String, TrackedInput> trackedByName = new LinkedHashMap<>();
  private final Map<String, HealthStatus> health = new LinkedHashMap<>();

  /** The token of the live arming of each timer, by ordinal; 0 = not armed (tokens start at 1). */
  private final long[] armed = new long[VrrpTimer.values().length];

  /** An immutable copy of {@link #health}, replaced whenever it changes. */
  private Map<String, HealthStatus> healthView = Map.of();

  /** The last snapshot made; handed out again while nothing in it changed. */
  private VrrpSnapshot lastSnapshot;

  /**
   * A master's last Adver_Timer output (send, re-arm with the same token), the configuration and
   * priority it was made for, and its arming: the next expiry of that arming gets the same list.
   */
  private List<VrrpAction> lastTick;

  private VrrpRouterConfig lastTickConfig;
  private int lastTickPriority;
  private long lastTickToken;

  /** The last Master_Down delay armed: a steady backup arms the same one again and again. */
  private Duration lastDownDelay = Duration.ZERO;

  /**
   * A steady backup's Master_Down arming, and the output that makes it. An advert accepted in
   * BACKUP that arms the same delay as the advert before keeps that arming and its token: the
   * output repeats, and a driver moves its live timer instead of making one. A firing of an earlier
   * arming that shared the token comes before the live arming's deadline, and is told apart by it
   * (see {@link #onTimer}).
   */
  private VrrpAction.ArmTimer steadyDownArm;

  private List<VrrpAction> steadyDownOutput = List.of();

  /** The actions of the input being handled; copied out, or a repeating output handed out. */
  private final List<VrrpAction> actions = new ArrayList<>(8);

  private VrrpState state = VrrpState.INITIALIZE;
  private boolean interfaceUp = true;
  private int effectivePriority;
  private Ipv4Address masterAddress;
  private int masterPriority = -1;
  private boolean holdsVirtualAddresses;
  private long lastTransitionNanos;
  private long lastNowNanos = Long.MIN_VALUE;
  private long nextToken = 1;

  /**
   * When the Master_Down_Timer was armed, and with which base (3 x interval, or 0 for Skew_Time).
   */
  private long masterDownArmedAtNanos;

  private long masterDownBaseNanos;

  /**
   * keepalived's preempt_time: until when lower-priority adverts are still accepted; 0 = not
   * running.
   */
  private long preemptDeadlineNanos;

  private boolean preemptDelayRunning;

  /**
   * RFC 9568 §6.1 Master_Adver_Interval: the interval the master advertises, which a VRRPv3 backup
   * learns from its adverts and times the master's death by. Under VRRPv2 it is always the
   * configured interval (RFC 3768 requires every router to be configured alike and drops other
   * adverts).
   */
  private long masterAdverIntervalNanos;

  StandardVrrpStateMachine(VrrpRouterConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    adoptTrackedInputs(Map.of(), Map.of());
    this.effectivePriority = computeEffectivePriority();
    this.masterAdverIntervalNanos = config.advertInterval().toNanos();
  }

  @Override
  public VrrpRouterConfig config() {
    return config;
  }

  @Override
  public VrrpSnapshot snapshot() {
    boolean accepts = state == VrrpState.MASTER && (config.isAddressOwner() || config.acceptMode());
    VrrpSnapshot last = lastSnapshot;
    if (last != null
        && last.state() == state
        && last.basePriority() == config.priority()
        && last.effectivePriority() == effectivePriority
        && Objects.equals(last.masterAddress().orElse(null), masterAddress)
        && last.masterPriority() == masterPriority
        && last.holdsVirtualAddresses() == holdsVirtualAddresses
        && last.interfaceUp() == interfaceUp
        && last.trackedHealth() == healthView
        && last.lastTransitionNanos() == lastTransitionNanos
        && last.masterAdverInterval().toNanos() == masterAdverIntervalNanos
        && last.acceptsVirtualAddressTraffic() == accepts) {
      return last; // immutable and equal: a steady router makes no new one per advert
    }
    lastSnapshot =
        new VrrpSnapshot(
            state,
            config.priority(),
            effectivePriority,
            Optional.ofNullable(masterAddress),
            masterPriority,
            holdsVirtualAddresses,
            interfaceUp,
            healthView,
            lastTransitionNanos,
            Duration.ofNanos(masterAdverIntervalNanos),
            accepts);
    return lastSnapshot;
  }

  @Override
  public List<VrrpAction> handle(long nowNanos, VrrpInput input) {
    Objects.requireNonNull(input, "input");
    if (nowNanos < lastNowNanos) {
      throw new IllegalArgumentException(
          "time went backwards: "
              + nowNanos
              + " < "
              + lastNowNanos
              + " (nowNanos must come from a monotonic clock)");
    }
    lastNowNanos = nowNanos;
    if (input instanceof VrrpInput.TimerExpired expired && repeatsLastTick(expired)) {
      return lastTick; // the same advert and the same arming again, as an immutable list
    }
    List<VrrpAction> out = actions;
    out.clear();
    if (input instanceof VrrpInput.Start) {
      onStart(nowNanos, out);
    } else if (input instanceof VrrpInput.Shutdown) {
      onShutdown(nowNanos, out);
    } else if (input instanceof VrrpInput.AdvertisementReceived received) {
      onAdvertisement(nowNanos, received.sender(), received.advertisement(), out);
    } else if (input instanceof VrrpInput.TimerExpired expired) {
      onTimer(nowNanos, expired, out);
    } else if (input instanceof VrrpInput.TrackedHealthChanged changed) {
      onHealth(nowNanos, changed, out);
    } else if (input instanceof VrrpInput.InterfaceChanged changed) {
      onInterface(nowNanos, changed.up(), out);
    } else if (input instanceof VrrpInput.Reconfigure reconfigure) {
      onReconfigure(nowNanos, reconfigure, out);
    } else {
      throw new IllegalArgumentException("unknown input " + input);
    }
    if (out.size() == 1 && out.get(0) == steadyDownArm) {
      return steadyDownOutput; // a steady backup: the same arming again, as an immutable list
    }
    return out.isEmpty() ? List.of() : List.copyOf(out);
  }

  // ---------------------------------------------------------------- start and stop

  private void onStart(long now, List<VrrpAction> out) {
    if (state != VrrpState.INITIALIZE) {
      return; // already running: a second start changes nothing
    }
    preemptDelayRunning = false;
    Optional<String> fault = faultCause();
    if (fault.isPresent()) {
      // keepalived vrrp_init_state(): an instance whose interface or weight-0 tracker is down
      // starts in FAULT.
      out.add(new VrrpAction.RemoveVirtualAddresses(config.heldAddresses()));
      transition(now, VrrpState.FAULT, "start: " + fault.get(), out);
      return;
    }
    if (config.isAddressOwner()) {
      // §6.4.1: "If the Priority = 255 ... Send an ADVERTISEMENT, broadcast a gratuitous ARP ...
      // set the Adver_Timer ... transition to the {Master} state".
      becomeMaster(now, "start as address owner (priority 255)", out);
      return;
    }
    // §6.4.1: "else ... Set the Master_Down_Timer to Master_Down_Interval, transition to {Backup}".
    // keepalived 2.2.7 does the same for a non-owner configured `state MASTER`: it waits the full
    // interval so that it cannot steal mastership from a running master (vrrp_scheduler.c
    // vrrp_init_state).
    // It also removes the VIPs a crashed earlier run may have left on the interface.
    out.add(new VrrpAction.RemoveVirtualAddresses(config.heldAddresses()));
    // RFC 9568 §6.4.1: "Set Master_Adver_Interval to Advertisement_Interval".
    masterAdverIntervalNanos = config.advertInterval().toNanos();
    long interval = armMasterDown(now, downBaseNanos(), out);
    String hint =
        config.initialState() == VrrpRouterConfig.InitialState.MASTER
            ? " (state MASTER: a non-owner still starts as BACKUP, as keepalived does)"
            : "";
    transition(
        now,
        VrrpState.BACKUP,
        "start: waiting Master_Down_Interval " + seconds(interval) + " for a master" + hint,
        out);
  }

  private void onShutdown(long now, List<VrrpAction> out) {
    switch (state) {
      case INITIALIZE -> {
        // nothing to stop
      }
      case BACKUP -> {
        // §6.4.2: "If a Shutdown event is received, then: Cancel the Master_Down_Timer, transition
        // to {Initialize}".
        cancel(VrrpTimer.MASTER_DOWN, out);
        transition(now, VrrpState.INITIALIZE, "shutdown", out);
      }
      case MASTER -> {
        // §6.4.3: "Cancel the Adver_Timer, Send an ADVERTISEMENT with Priority = 0, transition to
        // {Initialize}"; keepalived then removes the VIPs.
        leaveMaster(true, out);
        transition(
            now, VrrpState.INITIALIZE, "shutdown: resigned with a priority 0 advertisement", out);
      }
      case FAULT -> transition(now, VrrpState.INITIALIZE, "shutdown", out);
      default -> throw new IllegalStateException(state.toString());
    }
    masterAddress = null;
    masterPriority = -1;
  }

  // ---------------------------------------------------------------- advertisements

  private void onAdvertisement(
      long now, Ipv4Address sender, VrrpAdvertisement advert, List<VrrpAction> out) {
    if (state == VrrpState.INITIALIZE || state == VrrpState.FAULT) {
      return; // keepalived's dispatcher ignores adverts in INIT and FAULT
    }
    if (advert.virtualRouterId() != config.virtualRouterId()
        || advert.version() != config.version()) {
      return; // §7.1: another VRID, or the other VRRP version: MUST discard (the codec filters
      // both, naming and counting the version mismatch)
    }
    if (!advert.isV3() && advert.advertIntervalCentis() != config.advertIntervalCentis()) {
      return; // RFC 3768 §7.1: an interval mismatch MUST be discarded (VRRPv2 only: a VRRPv3
      // backup learns the master's interval instead)
    }
    if (config.isAddressOwner()) {
      return; // §7.1: "MUST verify that ... the local router is not the IP Address owner"
    }
    if (sender.equals(config.primaryAddress())) {
      return; // our own advertisement looped back: not a peer
    }
    long advertisedIntervalNanos = advert.advertIntervalCentis() * CENTISECOND_NANOS;
    if (state == VrrpState.BACKUP) {
      onAdvertisementInBackup(now, sender, advert.priority(), advertisedIntervalNanos, out);
    } else {
      onAdvertisementInMaster(now, sender, advert.priority(), advertisedIntervalNanos, out);
    }
  }

  private void onAdvertisementInBackup(
      long now,
      Ipv4Address sender,
      int priority,
      long advertisedIntervalNanos,
      List<VrrpAction> out) {
    if (priority == RESIGN_PRIORITY) {
      // §6.4.2: "If the Priority in the ADVERTISEMENT is Zero, then: Set the Master_Down_Timer to
      // Skew_Time".
      armMasterDown(now, 0, out);
      masterAddress = null;
      masterPriority = -1;
      return;
    }
    boolean higherOrEqual = priority >= effectivePriority;
    if (!config.preempt() || higherOrEqual || acceptedDuringPreemptDelay(now)) {
      // §6.4.2: "If Preempt_Mode is False, or If the Priority in the ADVERTISEMENT is greater than
      // or
      // equal to the local Priority, then: Reset the Master_Down_Timer to Master_Down_Interval".
      // keepalived also accepts lower adverts until preempt_delay has run (vrrp.c
      // vrrp_state_backup()).
      // RFC 9568 §6.4.2 adds: "Set Master_Adver_Interval to Adver Interval contained in the
      // ADVERTISEMENT, Recompute the Master_Down_Interval" (a no-op under VRRPv2).
      masterAdverIntervalNanos = advertisedIntervalNanos;
      rearmMasterDownOnAdvert(now, out);
      masterAddress = sender;
      masterPriority = priority;
      if (higherOrEqual) {
        preemptDelayRunning = false; // keepalived: "stop preempt delay"
      }
      return;
    }
    // §6.4.2: "Otherwise: Discard the ADVERTISEMENT". The Master_Down_Timer keeps running, so this
    // router takes over from the lower-priority master when it expires.
    masterAddress = sender;
    masterPriority = priority;
  }

  /**
   * keepalived: the first lower advert starts the delay; lower adverts are accepted until it has
   * run.
   */
  private boolean acceptedDuringPreemptDelay(long now) {
    if (config.preemptDelay().isZero()) {
      return false;
    }
    if (!preemptDelayRunning) {
      preemptDelayRunning = true;
      preemptDeadlineNanos = now + config.preemptDelay().toNanos();
      return true;
    }
    return now < preemptDeadlineNanos;
  }

  private void onAdvertisementInMaster(
      long now,
      Ipv4Address sender,
      int priority,
      long advertisedIntervalNanos,
      List<VrrpAction> out) {
    if (priority == RESIGN_PRIORITY) {
      // §6.4.3: "If the Priority in the ADVERTISEMENT is Zero, then: Send an ADVERTISEMENT, Reset
      // the
      // Adver_Timer to Advertisement_Interval".
      out.add(advertisement(effectivePriority));
      armTimer(VrrpTimer.ADVERTISEMENT, config.advertInterval(), out);
      return;
    }
    // §6.4.3: "If the Priority in the ADVERTISEMENT is greater than the local Priority, or the
    // Priority
    // ... is equal to the local Priority and the primary IP Address of the sender is greater than
    // the
    // local primary IP Address" (an unsigned comparison in network byte order, RFC 9568 §6.4.3).
    boolean senderWins =
        priority > effectivePriority
            || (priority == effectivePriority && sender.compareTo(config.primaryAddress()) > 0);
    if (senderWins) {
      // "then: Cancel Adver_Timer, Set Master_Down_Timer to Master_Down_Interval, transition to
      // {Backup}".
      leaveMaster(false, out);
      // RFC 9568 §6.4.3: "Set Master_Adver_Interval to Adver Interval contained in the
      // ADVERTISEMENT, Recompute the Master_Down_Interval".
      masterAdverIntervalNanos = advertisedIntervalNanos;
      long interval = armMasterDown(now, downBaseNanos(), out);
      masterAddress = sender;
      masterPriority = priority;
      preemptDelayRunning = false;
      String why =
          priority > effectivePriority
              ? "advertisement from "
                  + sender
                  + " with higher priority "
                  + priority
                  + " (ours "
                  + effectivePriority
                  + ")"
              : "advertisement from "
                  + sender
                  + " with equal priority "
                  + priority
                  + " and a higher address";
      transition(now, VrrpState.BACKUP, why + "; Master_Down_Interval " + seconds(interval), out);
      return;
    }
    // §6.4.3: "Otherwise: Discard the ADVERTISEMENT". keepalived (unless lower_prio_no_advert) and
    // RFC 9568 §6.4.3 also advertise at once, so a lower-priority master left over from a split
    // brain
    // steps down without waiting for our next timer.
    // A lower-priority master means a split brain just healed, and the last gratuitous ARPs the LAN
    // saw may
    // be the loser's: announce the VIPs again, now and after the usual delay, so neighbours' ARP
    // caches
    // point here rather than at the loser (keepalived vrrp_state_master_rx(): its
    // garp_lower_prio_repeat
    // and garp_lower_prio_delay default to garp_master_repeat and _delay).
    // advertiseOnLowerPriority(false)
    // is plain RFC 3768, which discards the advert and does nothing else.
    if (config.advertiseOnLowerPriority()) {
      out.add(advertisement(effectivePriority));
      announceAgain(out);
    }
  }

  private void announceAgain(List<VrrpAction> out) {
    if (config.heldAddresses().isEmpty() || config.garpMasterRepeat() == 0) {
      return;
    }
    out.add(new VrrpAction.SendGratuitousArp(config.heldAddresses(), config.garpMasterRepeat()));
    if (!config.garpMasterDelay().isZero()) {
      armTimer(VrrpTimer.GARP_SECOND_BURST, config.garpMasterDelay(), out);
    }
  }

  // ---------------------------------------------------------------- timers

  private void onTimer(long now, VrrpInput.TimerExpired expired, List<VrrpAction> out) {
    long live = armed[expired.timer().ordinal()];
    if (live == 0 || live != expired.token()) {
      return; // stale: cancelled or re-armed since this firing was scheduled
    }
    if (steadyDownArm != null && live == steadyDownArm.token()) {
      long deadline = masterDownArmedAtNanos + steadyDownArm.delay().toNanos();
      if (now < deadline) {
        // an earlier arming of the steady backup's token: the live one runs until the deadline
        armTimer(VrrpTimer.MASTER_DOWN, Duration.ofNanos(deadline - now), out);
        return;
      }
    }
    armed[expired.timer().ordinal()] = 0;
    switch (expired.timer()) {
      case MASTER_DOWN -> {
        // §6.4.2: "If the Master_Down_Timer fires, then: Send an ADVERTISEMENT, Broadcast a
        // gratuitous
        // ARP request ..., Set the Adver_Timer to Advertisement_Interval, Transition to {Master}".
        String why;
        if (masterDownBaseNanos == 0) {
          why = "master resigned (priority 0); Skew_Time " + seconds(skewNanos()) + " elapsed";
        } else if (masterAddress != null
            && masterPriority >= 0
            && masterPriority < effectivePriority
            && config.preempt()) {
          why =
              "preempting "
                  + masterAddress
                  + " (priority "
                  + masterPriority
                  + " < ours "
                  + effectivePriority
                  + ")";
        } else {
          why =
              "no advertisement for Master_Down_Interval "
                  + seconds(masterDownBaseNanos + skewNanos());
        }
        becomeMaster(now, why, out);
      }
      case ADVERTISEMENT -> {
        // §6.4.3: "If the Adver_Timer fires, then: Send an ADVERTISEMENT, Reset the Adver_Timer".
        // The arming keeps the token of the expiry just consumed: no other firing carries it (a
        // token is reused only by the arming that follows its own expiry), so the output repeats
        // and is kept for the next expiry.
        out.add(advertisement(effectivePriority));
        armTimer(VrrpTimer.ADVERTISEMENT, expired.token(), config.advertInterval(), out);
        lastTick = List.copyOf(out);
        lastTickConfig = config;
        lastTickPriority = effectivePriority;
        lastTickToken = expired.token();
      }
      case GARP_SECOND_BURST ->
          out.add(
              new VrrpAction.SendGratuitousArp(config.heldAddresses(), config.garpMasterRepeat()));
      case GARP_REFRESH -> {
        out.add(
            new VrrpAction.SendGratuitousArp(
                config.heldAddresses(), config.garpMasterRefreshRepeat()));
        armTimer(VrrpTimer.GARP_REFRESH, config.garpMasterRefresh(), out);
      }
      default -> throw new IllegalStateException(expired.timer().toString());
    }
  }

  // ---------------------------------------------------------------- tracked inputs and the
  // interface

  private void onHealth(long now, VrrpInput.TrackedHealthChanged changed, List<VrrpAction> out) {
    TrackedInput input = trackedByName.get(changed.name());
    if (input == null || health.get(changed.name()) == changed.status()) {
      return; // not tracked by this router, or no change
    }
    health.put(changed.name(), changed.status());
    healthView = Map.copyOf(health);
    reevaluate(now, "tracked " + changed.name() + " " + changed.status(), out);
  }

  private void onInterface(long now, boolean up, List<VrrpAction> out) {
    if (interfaceUp == up) {
      return;
    }
    interfaceUp = up;
    reevaluate(now, "interface " + (up ? "up" : "down"), out);
  }

  /**
   * After a tracked input or the interface changed: recompute the priority and the FAULT condition.
   */
  private void reevaluate(long now, String cause, List<VrrpAction> out) {
    int before = effectivePriority;
    effectivePriority = computeEffectivePriority();
    if (effectivePriority != before) {
      out.add(new VrrpAction.PriorityChanged(before, effectivePriority, cause));
    }
    Optional<String> fault = faultCause();
    switch (state) {
      case INITIALIZE -> {
        // remembered for start
      }
      case BACKUP -> {
        if (fault.isPresent()) {
          cancel(VrrpTimer.MASTER_DOWN, out);
          transition(now, VrrpState.FAULT, fault.get(), out);
        } else if (effectivePriority != before && armed[VrrpTimer.MASTER_DOWN.ordinal()] != 0) {
          // keepalived vrrp_set_effective_priority(): the running down timer is recomputed with the
          // new skew and its expiry moved by the difference, not restarted.
          long deadline = masterDownArmedAtNanos + masterDownBaseNanos + skewNanos();
          long armedAt = masterDownArmedAtNanos;
          armTimer(VrrpTimer.MASTER_DOWN, Duration.ofNanos(Math.max(0, deadline - now)), out);
          masterDownArmedAtNanos = armedAt;
        }
      }
      case MASTER -> {
        if (fault.isPresent()) {
          // keepalived vrrp_state_leave_master() to FAULT: a priority-0 advert so the backup takes
          // over after Skew_Time, then the VIPs go. Not when the interface itself is down: the
          // advert could not leave it.
          leaveMaster(interfaceUp, out);
          transition(now, VrrpState.FAULT, fault.get(), out);
        }
        // a new effective priority simply goes out with the next advertisement
      }
      case FAULT -> {
        if (fault.isEmpty()) {
          if (config.isAddressOwner()) {
            becomeMaster(now, cause + ": fault cleared, address owner", out);
          } else {
            // keepalived vrrp_state_leave_fault(): BACKUP with a fresh Master_Down_Interval.
            preemptDelayRunning = false;
            masterAdverIntervalNanos = config.advertInterval().toNanos();
            long interval = armMasterDown(now, downBaseNanos(), out);
            transition(
                now,
                VrrpState.BACKUP,
                cause + ": fault cleared; Master_Down_Interval " + seconds(interval),
                out);
          }
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  /**
   * keepalived vrrp_track.c: base + weights (positive while up, negative while down), clamped to
   * 1-254.
   */
  private int computeEffectivePriority() {
    if (config.isAddressOwner()) {
      return VrrpRouterConfig
          .OWNER_PRIORITY; // never changed (keepalived vrrp_set_effective_priority())
    }
    int total = config.priority();
    for (TrackedInput input : trackedByName.values()) {
      boolean up = health.get(input.name()) == HealthStatus.UP;
      if (input.weight() > 0 && up) {
        total += input.weight();
      } else if (input.weight() < 0 && !up) {
        total += input.weight();
      }
    }
    return Math.max(1, Math.min(VrrpRouterConfig.OWNER_PRIORITY - 1, total));
  }

  private Optional<String> faultCause() {
    if (!interfaceUp) {
      return Optional.of("interface down");
    }
    for (TrackedInput input : trackedByName.values()) {
      if (input.faultsWhenDown() && health.get(input.name()) == HealthStatus.DOWN) {
        return Optional.of("tracked " + input.name() + " DOWN (weight 0)");
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- reconfigure

  /**
   * A reload: the new settings take effect without a transition unless they demand one. A MASTER
   * keeps its timers (its next advert carries the new priority and interval), adds and announces
   * only the VIPs that are new and removes only those that went; a BACKUP moves its running
   * Master_Down_Timer to the new priority and interval, never earlier than it was due.
   */
  private void onReconfigure(long now, VrrpInput.Reconfigure reconfigure, List<VrrpAction> out) {
    VrrpRouterConfig next = reconfigure.config();
    requireSameIdentity(next);
    VrrpRouterConfig previous = config;
    long masterDownDue = masterDownArmedAtNanos + masterDownBaseNanos + skewNanos();
    int before = effectivePriority;
    config = next;
    adoptTrackedInputs(Map.copyOf(health), reconfigure.trackedHealth());
    if (next.version() == VrrpWireFormat.VERSION || state != VrrpState.BACKUP) {
      // a VRRPv3 backup keeps the interval it learnt from the master (RFC 9568 §6.4.2)
      masterAdverIntervalNanos = next.advertInterval().toNanos();
    }
    effectivePriority = computeEffectivePriority();
    if (effectivePriority != before) {
      out.add(new VrrpAction.PriorityChanged(before, effectivePriority, "reconfigured"));
    }
    Optional<String> fault = faultCause();
    switch (state) {
      case INITIALIZE -> {
        // adopted for start
      }
      case MASTER -> {
        if (fault.isPresent()) {
          leaveMaster(interfaceUp, previous.heldAddresses(), out);
          transition(now, VrrpState.FAULT, "reconfigured: " + fault.get(), out);
        } else {
          changeHeldAddresses(previous, out);
          masterAddress = config.primaryAddress();
          masterPriority = effectivePriority;
        }
      }
      case BACKUP -> {
        if (fault.isPresent()) {
          cancel(VrrpTimer.MASTER_DOWN, out);
          transition(now, VrrpState.FAULT, "reconfigured: " + fault.get(), out);
        } else if (armed[VrrpTimer.MASTER_DOWN.ordinal()] != 0) {
          long base = masterDownBaseNanos == 0 ? 0 : downBaseNanos();
          long due = Math.max(masterDownDue, masterDownArmedAtNanos + base + skewNanos());
          if (due != masterDownDue) {
            armTimer(VrrpTimer.MASTER_DOWN, Duration.ofNanos(Math.max(0, due - now)), out);
          }
          // kept as Master_Down_Interval's parts, so the next change is measured from them
          masterDownBaseNanos = due - masterDownArmedAtNanos - skewNanos();
        }
      }
      case FAULT -> {
        if (fault.isEmpty()) {
          reevaluate(now, "reconfigured", out);
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private void requireSameIdentity(VrrpRouterConfig next) {
    if (next.virtualRouterId() != config.virtualRouterId()
        || next.version() != config.version()
        || next.isAddressOwner() != config.isAddressOwner()) {
      throw new IllegalArgumentException(
          "a running router keeps its VRID ("
              + config.virtualRouterId()
              + "), VRRP version ("
              + config.version()
              + ") and address-owner status ("
              + config.isAddressOwner()
              + "); got "
              + next.virtualRouterId()
              + ", "
              + next.version()
              + ", "
              + next.isAddressOwner()
              + ": restart it instead");
    }
  }

  /**
   * The tracked inputs of {@link #config}: a status named in {@code reported} wins, then the one
   * known before, then UP.
   */
  private void adoptTrackedInputs(
      Map<String, HealthStatus> known, Map<String, HealthStatus> reported) {
    trackedByName.clear();
    health.clear();
    for (TrackedInput input : config.trackedInputs()) {
      trackedByName.put(input.name(), input);
      HealthStatus status = reported.get(input.name());
      health.put(
          input.name(),
          status != null ? status : known.getOrDefault(input.name(), HealthStatus.UP));
    }
    healthView = Map.copyOf(health);
  }

  /**
   * A MASTER's VIP change: the new ones added and announced (keepalived's repeat, one burst), the
   * dropped ones removed; those in both are left alone, so nothing flaps or is announced twice.
   */
  private void changeHeldAddresses(VrrpRouterConfig previous, List<VrrpAction> out) {
    List<Ipv4Cidr> gone = new ArrayList<>(previous.heldAddresses());
    gone.removeAll(config.heldAddresses());
    List<Ipv4Cidr> added = new ArrayList<>(config.heldAddresses());
    added.removeAll(previous.heldAddresses());
    if (!gone.isEmpty()) {
      out.add(new VrrpAction.RemoveVirtualAddresses(gone));
    }
    if (!added.isEmpty()) {
      out.add(new VrrpAction.AddVirtualAddresses(added));
      if (config.garpMasterRepeat() > 0) {
        out.add(new VrrpAction.SendGratuitousArp(added, config.garpMasterRepeat()));
      }
    }
    boolean refreshes = !config.heldAddresses().isEmpty() && !config.garpMasterRefresh().isZero();
    boolean refreshed =
        !previous.heldAddresses().isEmpty() && !previous.garpMasterRefresh().isZero();
    if (refreshes
        && (!refreshed || !config.garpMasterRefresh().equals(previous.garpMasterRefresh()))) {
      armTimer(VrrpTimer.GARP_REFRESH, config.garpMasterRefresh(), out);
    } else if (!refreshes) {
      cancel(VrrpTimer.GARP_REFRESH, out);
    }
    if (config.heldAddresses().isEmpty() || config.garpMasterRepeat() == 0) {
      cancel(VrrpTimer.GARP_SECOND_BURST, out);
    }
  }

  // ---------------------------------------------------------------- transitions

  private void becomeMaster(long now, String reason, List<VrrpAction> out) {
    cancel(VrrpTimer.MASTER_DOWN, out);
    // keepalived vrrp_state_master_tx(): the advert goes first, so the old master drops the VIPs
    // before our gratuitous ARPs claim them.
    out.add(advertisement(effectivePriority));
    out.add(new VrrpAction.AddVirtualAddresses(config.heldAddresses()));
    holdsVirtualAddresses = true;
    boolean anyAddress = !config.heldAddresses().isEmpty();
    if (anyAddress && config.garpMasterRepeat() > 0) {
      out.add(new VrrpAction.SendGratuitousArp(config.heldAddresses(), config.garpMasterRepeat()));
    }
    armTimer(VrrpTimer.ADVERTISEMENT, config.advertInterval(), out);
    if (anyAddress && config.garpMasterRepeat() > 0 && !config.garpMasterDelay().isZero()) {
      armTimer(VrrpTimer.GARP_SECOND_BURST, config.garpMasterDelay(), out);
    }
    if (anyAddress && !config.garpMasterRefresh().isZero()) {
      armTimer(VrrpTimer.GARP_REFRESH, config.garpMasterRefresh(), out);
    }
    masterAddress = config.primaryAddress();
    masterPriority = effectivePriority;
    preemptDelayRunning = false;
    transition(now, VrrpState.MASTER, reason, out);
  }

  /** Stops the master's timers, optionally resigns with priority 0, and drops the VIPs. */
  private void leaveMaster(boolean resign, List<VrrpAction> out) {
    leaveMaster(resign, config.heldAddresses(), out);
  }

  private void leaveMaster(boolean resign, List<Ipv4Cidr> held, List<VrrpAction> out) {
    cancel(VrrpTimer.ADVERTISEMENT, out);
    cancel(VrrpTimer.GARP_SECOND_BURST, out);
    cancel(VrrpTimer.GARP_REFRESH, out);
    if (resign) {
      out.add(advertisement(RESIGN_PRIORITY));
    }
    // keepalived vrrp_state_leave_master() -> vrrp_restore_interface(): the VIPs leave with
    // mastership.
    out.add(new VrrpAction.RemoveVirtualAddresses(held));
    holdsVirtualAddresses = false;
    masterAddress = null;
    masterPriority = -1;
  }

  private void transition(long now, VrrpState to, String reason, List<VrrpAction> out) {
    if (to == VrrpState.INITIALIZE || to == VrrpState.FAULT) {
      for (VrrpTimer timer : VrrpTimer.values()) {
        cancel(timer, out); // no timer runs in these states (§6.2)
      }
    }
    VrrpState from = state;
    state = to;
    lastTransitionNanos = now;
    out.add(new VrrpAction.StateChanged(from, to, reason));
  }

  /** Arms the Master_Down_Timer at {@code base + Skew_Time}; returns that delay in nanoseconds. */
  private long armMasterDown(long now, long baseNanos, List<VrrpAction> out) {
    long delay = baseNanos + skewNanos();
    if (lastDownDelay.toNanos() != delay) {
      lastDownDelay = Duration.ofNanos(delay);
    }
    armTimer(VrrpTimer.MASTER_DOWN, lastDownDelay, out);
    masterDownArmedAtNanos = now;
    masterDownBaseNanos = baseNanos;
    return delay;
  }

  /**
   * Re-arms the Master_Down_Timer for an advert accepted in BACKUP. Arming the same delay as the
   * previous advert did keeps that arming (and its token) while it is still live.
   */
  private void rearmMasterDownOnAdvert(long now, List<VrrpAction> out) {
    long base = downBaseNanos();
    long delay = base + skewNanos();
    VrrpAction.ArmTimer steady = steadyDownArm;
    if (steady != null
        && armed[VrrpTimer.MASTER_DOWN.ordinal()] == steady.token()
        && steady.delay().toNanos() == delay) {
      out.add(steady);
      masterDownArmedAtNanos = now;
      masterDownBaseNanos = base;
      return;
    }
    armMasterDown(now, base, out);
    steadyDownArm = (VrrpAction.ArmTimer) out.get(out.size() - 1);
    steadyDownOutput = List.of(steadyDownArm);
  }

  /**
   * Skew_Time at the effective priority: (256 - Priority) / 256 s under VRRPv2 (RFC 3768 §6.1);
   * that fraction of Master_Adver_Interval under VRRPv3 (RFC 9568 §6.1).
   */
  private long skewNanos() {
    return config.version() == VrrpWireFormat.VERSION_3
        ? VrrpTiming.v3SkewNanos(effectivePriority, masterAdverIntervalNanos)
        : VrrpTiming.skewNanos(effectivePriority);
  }

  /** The {@code 3 * interval} part of Master_Down_Interval: the master's interval under VRRPv3. */
  private long downBaseNanos() {
    return config.version() == VrrpWireFormat.VERSION_3
        ? VrrpTiming.DOWN_TIMER_ADVERTISEMENTS * masterAdverIntervalNanos
        : VrrpTiming.downBaseNanos(config.advertIntervalSeconds());
  }

  private void armTimer(VrrpTimer timer, Duration delay, List<VrrpAction> out) {
    armTimer(timer, nextToken++, delay, out);
  }

  private void armTimer(VrrpTimer timer, long token, Duration delay, List<VrrpAction> out) {
    armed[timer.ordinal()] = token;
    out.add(new VrrpAction.ArmTimer(timer, token, delay));
  }

  private void cancel(VrrpTimer timer, List<VrrpAction> out) {
    if (armed[timer.ordinal()] != 0) {
      armed[timer.ordinal()] = 0;
      out.add(new VrrpAction.CancelTimer(timer));
    }
  }

  /**
   * True when {@code expired} is the live Adver_Timer arming of the last tick, and the advert it
   * sends is still the one that tick sent (same configuration, same priority, still MASTER): the
   * output is then that tick's again, and the timer stays armed with the same token.
   */
  private boolean repeatsLastTick(VrrpInput.TimerExpired expired) {
    return lastTick != null
        && expired.timer() == VrrpTimer.ADVERTISEMENT
        && expired.token() == lastTickToken
        && armed[VrrpTimer.ADVERTISEMENT.ordinal()] == lastTickToken
        && state == VrrpState.MASTER
        && config == lastTickConfig
        && effectivePriority == lastTickPriority;
  }

  private VrrpAction.SendAdvertisement advertisement(int priority) {
    return new VrrpAction.SendAdvertisement(config.advertisement(priority));
  }
}
