package org.ha4j.vrrp.driver;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.time.Scheduler;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.protocol.VrrpTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link VrrpStateMachine}: feeds it inputs stamped with the scheduler's clock and
 * performs the actions it returns, in list order, through the ports. The Linux instance and the
 * simulated LAN both run this class; only their ports differ (etcd's {@code node.go} over {@code
 * raft.go}).
 *
 * <p>Threads: every method except {@link #snapshot()} and the counters must be called on the
 * scheduler's thread (the one its timers run on), which is also the thread the ports and the
 * observer are called on. A port that throws {@link IOException} does not stop the actions after
 * it: the failure is counted (adverts and announcements) and logged, at most once per {@link
 * #FAILURE_LOG_INTERVAL_NANOS} for sends.
 *
 * <p>Timing: every delay is measured on the scheduler's monotonic clock, and a master's adverts
 * keep a fixed cadence ({@link AdvertPacer}): a late wake-up is caught up, a long stall is answered
 * with one advert, never a burst. With an {@link AdvertQueue} the adverts of that cadence are
 * handed to the kernel up to a horizon ahead ({@link AdvertHorizon}), so they leave on time while
 * this thread is held up; the Adver_Timer still fires every interval and tops the queue up, and
 * every change of content or of mastership withdraws the queue first.
 */
public final class VrrpDriver {

  /**
   * At most one log line per this interval for failed sends, so a dead link cannot flood the log.
   */
  public static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

  /**
   * A Master_Down_Timer that fires later than this (and a quarter interval) was held up by a pause
   * of this thread or the JVM (a collection, a safepoint, a starved CPU).
   */
  static final long LATE_TIMER_NANOS = 5_000_000L;

  /**
   * Advert intervals a due takeover waits, at most, while packets wait unheard in this backup's
   * socket: a receiver thread held off its CPU for up to that long (seen in the VRRPv3 soak: about
   * 80 ms at advert_int 0.02, with both CPUs saturated) costs no false failover.
   */
  static final int MAX_UNHEARD_WAITS = 3;

  private static final Logger log = LoggerFactory.getLogger(VrrpDriver.class);

  private final String name;
  private final VrrpStateMachine machine;
  private final Scheduler scheduler;
  private final AdvertisementSender adverts;
  private final VirtualAddressTable addresses;
  private final AddressAnnouncer announcer;
  private final StateNotifier notifier;
  private final ActionObserver observer;
  private final SyncGroupPort group;
  private final Map<VrrpTimer, Scheduler.Timer> timers = new EnumMap<>(VrrpTimer.class);
  private final AdvertPacer pacer = new AdvertPacer();
  private final AdvertHorizon horizon;
  private final UnheardAdverts unheard;
  private final AtomicLong advertisementsSent = new AtomicLong();
  private final AtomicLong sendFailures = new AtomicLong();
  private volatile VrrpSnapshot snapshot;
  private boolean halted;

  /** A Master_Down_Timer expiry the sync group holds back, or null. */
  private VrrpInput heldTakeOver;

  private long lastFailureLog = Long.MIN_VALUE / 2;

  /** True while handling the Adver_Timer's own expiry: its re-arm continues the cadence. */
  private boolean advertTimerFired;

  /** The advert the current input sends (by this thread or already by the kernel), or null. */
  private VrrpAdvertisement advertNow;

  /** True when the kernel sent the current input's advert from its queue. */
  private boolean sentByKernel;

  /**
   * The Adver_Timer arming {@link #cadenceTimer} delivers the expiry of. A steady master's machine
   * returns the same arming tick after tick, so the timer is re-armed in place, not made anew.
   */
  private VrrpAction.ArmTimer cadenceArm;

  private Scheduler.RearmableTimer cadenceTimer;

  /**
   * The Master_Down_Timer arming {@link #downTimer} delivers the expiry of, and when it is due. A
   * steady backup's machine returns the same arming advert after advert, so the timer is moved in
   * place, not made anew.
   */
  private VrrpAction.ArmTimer downArm;

  private Scheduler.RearmableTimer downTimer;
  private long downDueNanos;

  private VrrpDriver(Builder b) {
    this.name = b.name;
    this.machine = b.machine;
    this.scheduler = required(b.scheduler, "scheduler");
    this.adverts = required(b.adverts, "adverts");
    this.addresses = required(b.addresses, "addresses");
    this.announcer = required(b.announcer, "announcer");
    this.notifier = b.notifier;
    this.observer = b.observer;
    this.group = b.group;
    this.horizon = new AdvertHorizon(b.advertQueue);
    this.unheard = b.unheard;
    this.snapshot = machine.snapshot();
  }

  private static <T> T required(T port, String what) {
    if (port == null) {
      throw new IllegalArgumentException(what + " is required: set it on VrrpDriver.builder()");
    }
    return port;
  }

  /**
   * A driver for {@code machine} (fresh, in INITIALIZE); the scheduler and three ports are
   * required.
   */
  public static Builder builder(VrrpStateMachine machine) {
    return new Builder(machine);
  }

  /**
   * Feeds one input and performs the resulting actions. Ignored once {@link #halt() halted}.
   * Scheduler thread only.
   */
  public void handle(VrrpInput input) {
    if (halted) {
      return;
    }
    long now = scheduler.nanoTime();
    VrrpSnapshot before = snapshot;
    List<VrrpAction> actions = machine.handle(now, input);
    snapshot = machine.snapshot();
    observer.decided(now, actions);
    advertTimerFired =
        input instanceof VrrpInput.TimerExpired expired
            && expired.timer() == VrrpTimer.ADVERTISEMENT;
    advertNow = null;
    sentByKernel = false;
    if (input instanceof VrrpInput.Reconfigure || input instanceof VrrpInput.Shutdown) {
      // what is advertised may change (addresses, priority, interval, the resignation): nothing
      // queued with the old content may go out after this input
      horizon.cancel();
    }
    for (int i = 0; i < actions.size(); i++) { // by index: no iterator per input
      VrrpAction action = actions.get(i);
      observer.performing(now, action);
      perform(action);
    }
    advertTimerFired = false;
    if (!snapshot.equals(before)) {
      group.changed(before, snapshot);
    }
  }

  /**
   * The Master_Down_Timer's task ran. If it ran late, this process was paused, and adverts that
   * arrived meanwhile may still wait in the socket for the receiver thread: taking over now would
   * make a second master beside a healthy one. The same when it ran on time but adverts are still
   * unheard (a pause that ended just before the timer was due: the overdue timer runs before the
   * adverts queued behind it; or a receiver thread kept off its CPU while this one ran). The
   * takeover then waits one more Master_Adver_Interval for them, and again while packets still wait
   * unheard, {@value #MAX_UNHEARD_WAITS} intervals at most; an advert heard in that time re-arms
   * the timer (and cancels this wait) as usual. Only a master that died during our own pause, or
   * while other packets filled our socket, pays those intervals.
   */
  private void masterDownFired(VrrpInput expiry, long dueNanos) {
    if (halted) {
      return;
    }
    long late = scheduler.nanoTime() - dueNanos;
    long interval = snapshot.masterAdverInterval().toNanos();
    boolean wasLate = late > LATE_TIMER_NANOS + interval / 4;
    if (wasLate || unheard.pending()) {
      log.info(
          "({}) Master_Down_Timer ran {} ms late{}: listening one more advert interval before"
              + " taking over",
          name,
          late / 1_000_000,
          wasLate
              ? " (this process was paused)"
              : ", with adverts received but not heard yet (this process was paused)");
      waitForUnheard(expiry, interval, 1);
      return;
    }
    masterDownExpired(expiry);
  }

  /** Waits one interval (the {@code waits}-th) for unheard adverts, then looks again. */
  private void waitForUnheard(VrrpInput expiry, long interval, int waits) {
    timers.put(
        VrrpTimer.MASTER_DOWN,
        scheduler.schedule(
            Duration.ofNanos(interval),
            () -> {
              if (halted) {
                return;
              }
              if (waits < MAX_UNHEARD_WAITS && unheard.pending()) {
                waitForUnheard(expiry, interval, waits + 1);
              } else {
                masterDownExpired(expiry);
              }
            }));
  }

  /**
   * The Master_Down_Timer ran out. In BACKUP the sync group may hold the takeover back; the held
   * expiry keeps its token, so it is still the live one when released unless the protocol re-armed
   * the timer since.
   */
  private void masterDownExpired(VrrpInput expiry) {
    if (halted) {
      return;
    }
    if (snapshot.state() == VrrpState.BACKUP) {
      heldTakeOver = expiry;
      if (!group.mayTakeOver(() -> releaseTakeOver(expiry))) {
        log.info("({}) Master_Down_Timer expired; held in BACKUP by its sync group", name);
        return;
      }
      heldTakeOver = null;
    }
    handle(expiry);
  }

  private void releaseTakeOver(VrrpInput expiry) {
    if (heldTakeOver == expiry) {
      heldTakeOver = null;
      handle(expiry);
    }
  }

  private void withdrawHeldTakeOver() {
    if (heldTakeOver != null) {
      heldTakeOver = null;
      group.takeOverWithdrawn();
    }
  }

  /**
   * The graceful stop (RFC 3768 §6.4.3 Shutdown): a MASTER sends priority 0 and then removes its
   * VIPs; then the driver halts. Scheduler thread only.
   */
  public void stop() {
    handle(VrrpInput.shutdown());
    halt();
  }

  /** Stops at once, as a crash would: cancels the timers and ignores every later input. */
  public void halt() {
    halted = true;
    horizon.cancel();
    for (Scheduler.Timer timer : timers.values()) {
      timer.cancel();
    }
    timers.clear();
  }

  /** The state machine's state after the last input; any thread. */
  public VrrpSnapshot snapshot() {
    return snapshot;
  }

  /** Adverts the sender accepted; any thread. */
  public long advertisementsSent() {
    return advertisementsSent.get();
  }

  /** Adverts and announcements whose port failed; any thread. */
  public long sendFailures() {
    return sendFailures.get();
  }

  private void perform(VrrpAction action) {
    if (action instanceof VrrpAction.SendAdvertisement send) {
      sendAdvertisement(send.advertisement());
    } else if (action instanceof VrrpAction.AddVirtualAddresses add) {
      try {
        addresses.add(add.addresses());
      } catch (IOException e) {
        log.error("({}) adding VIPs failed: {}", name, e.getMessage());
      }
    } else if (action instanceof VrrpAction.RemoveVirtualAddresses remove) {
      try {
        addresses.remove(remove.addresses());
      } catch (IOException e) {
        log.error("({}) removing VIPs failed: {}", name, e.getMessage());
      }
    } else if (action instanceof VrrpAction.SendGratuitousArp announce) {
      try {
        announcer.announce(announce.addresses(), announce.count());
      } catch (IOException e) {
        sendFailed("address announcement", e);
      }
    } else if (action instanceof VrrpAction.ArmTimer arm) {
      cancel(timers.remove(arm.timer()));
      if (log.isDebugEnabled()) {
        log.debug("({}) {} timer armed for {}", name, arm.timer(), arm.delay());
      }
      if (arm.timer() == VrrpTimer.MASTER_DOWN) {
        withdrawHeldTakeOver();
        downDueNanos = scheduler.nanoTime() + arm.delay().toNanos();
        if (arm != downArm) {
          VrrpInput expiry = arm.expiry();
          downArm = arm;
          downTimer = scheduler.timer(() -> masterDownFired(expiry, downDueNanos));
        }
        downTimer.arm(arm.delay().toNanos());
        timers.put(arm.timer(), downTimer);
      } else if (arm.timer() == VrrpTimer.ADVERTISEMENT) {
        long now = scheduler.nanoTime();
        long interval = arm.delay().toNanos();
        long delay =
            !advertTimerFired
                ? pacer.restart(now, interval)
                : sentByKernel ? pacer.keep(now, interval) : pacer.next(now, interval);
        if (arm != cadenceArm) {
          VrrpInput expiry = arm.expiry();
          cadenceArm = arm;
          cadenceTimer = scheduler.timer(() -> handle(expiry));
        }
        cadenceTimer.arm(delay);
        timers.put(arm.timer(), cadenceTimer);
        if (advertNow != null) {
          keepQueued(advertNow, now, now + delay, interval);
        }
      } else {
        timers.put(arm.timer(), scheduler.schedule(arm.delay(), () -> handle(arm.expiry())));
      }
    } else if (action instanceof VrrpAction.CancelTimer cancel) {
      if (cancel.timer() == VrrpTimer.MASTER_DOWN) {
        withdrawHeldTakeOver();
      } else if (cancel.timer() == VrrpTimer.ADVERTISEMENT) {
        pacer.stop();
        horizon.cancel(); // no longer master
      }
      cancel(timers.remove(cancel.timer()));
    } else if (action instanceof VrrpAction.StateChanged changed) {
      notifier.stateChanged(
          changed.from(), changed.to(), changed.reason(), snapshot.effectivePriority());
    } else if (action instanceof VrrpAction.PriorityChanged changed) {
      horizon.cancel(); // the queued adverts carry the old priority
      notifier.priorityChanged(changed.from(), changed.to(), changed.reason());
    }
  }

  /**
   * One advert out. With an {@link AdvertQueue}, the Adver_Timer's own advert was sent by the
   * kernel at its due time already, unless the queue ran dry (a stall longer than the horizon);
   * every other advert (the first as master, an answer to a priority-0 advert, new content) goes
   * out now, and new content only after the old is withdrawn.
   */
  private void sendAdvertisement(VrrpAdvertisement advert) {
    advertNow = advert;
    if (horizon.conflicts(advert)) {
      horizon.cancel();
    }
    if (advertTimerFired && horizon.covers(advert, scheduler.nanoTime())) {
      sentByKernel = true;
      advertisementsSent.incrementAndGet();
      return;
    }
    try {
      adverts.send(advert);
      advertisementsSent.incrementAndGet();
    } catch (IOException e) {
      sendFailed("advertisement", e);
    }
  }

  /**
   * Keeps the adverts of the cadence queued up to the horizon; the Adver_Timer still fires each
   * interval, and each expiry tops the queue up by one.
   */
  private void keepQueued(VrrpAdvertisement advert, long now, long nextDue, long interval) {
    if (!horizon.enabled()) {
      return;
    }
    int failed = horizon.reap();
    if (failed > 0) {
      sendFailures.addAndGet(failed); // the queue logged each cause once
    }
    try {
      horizon.refill(advert, now, nextDue, interval);
    } catch (IOException e) {
      sendFailed("advertisements to the kernel queue", e);
    }
  }

  private static void cancel(Scheduler.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  private void sendFailed(String what, IOException e) {
    sendFailures.incrementAndGet();
    long now = scheduler.nanoTime();
    if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
      lastFailureLog = now;
      log.warn(
          "({}) sending {} failed ({} failures so far): {}",
          name,
          what,
          sendFailures.get(),
          e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "VrrpDriver(" + name + ")";
  }

  /** Assembles a {@link VrrpDriver} from its ports. */
  public static final class Builder {
    private final VrrpStateMachine machine;
    private String name;
    private Scheduler scheduler;
    private AdvertisementSender adverts;
    private VirtualAddressTable addresses;
    private AddressAnnouncer announcer;
    private StateNotifier notifier = StateNotifier.NONE;
    private ActionObserver observer = ActionObserver.NONE;
    private SyncGroupPort group = SyncGroupPort.NONE;
    private AdvertQueue advertQueue = AdvertQueue.NONE;
    private UnheardAdverts unheard = UnheardAdverts.NONE;

    private Builder(VrrpStateMachine machine) {
      this.machine = Objects.requireNonNull(machine, "machine");
      this.name = machine.config().instanceName();
    }

    /** The name in log lines; default: the instance name of the machine's configuration. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Required: the clock inputs are stamped with, and the timers. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Required. */
    public Builder adverts(AdvertisementSender adverts) {
      this.adverts = Objects.requireNonNull(adverts, "adverts");
      return this;
    }

    /** Required. */
    public Builder addresses(VirtualAddressTable addresses) {
      this.addresses = Objects.requireNonNull(addresses, "addresses");
      return this;
    }

    /** Required. */
    public Builder announcer(AddressAnnouncer announcer) {
      this.announcer = Objects.requireNonNull(announcer, "announcer");
      return this;
    }

    /** Default: {@link StateNotifier#NONE}. */
    public Builder notifier(StateNotifier notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    /** Default: {@link ActionObserver#NONE}. */
    public Builder observer(ActionObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** Default: {@link SyncGroupPort#NONE}, a router in no sync group. */
    public Builder syncGroup(SyncGroupPort group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Default: {@link AdvertQueue#NONE}, every advert sent by the scheduler's thread when due. */
    /** Asked when the Master_Down_Timer runs (see {@link UnheardAdverts}). */
    public Builder unheardAdverts(UnheardAdverts unheard) {
      this.unheard = Objects.requireNonNull(unheard, "unheard");
      return this;
    }

    public Builder advertQueue(AdvertQueue advertQueue) {
      this.advertQueue = Objects.requireNonNull(advertQueue, "advertQueue");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing required port
     */
    public VrrpDriver build() {
      return new VrrpDriver(this);
    }
  }
}
