package org.ha4j.vrrp.simulation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.Scheduler;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.ActionObserver;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.protocol.VrrpTiming;

/**
 * A virtual Ethernet segment with VRRP routers on it, in virtual time: the seeded simulation of
 * Kafka's {@code RaftEventSimulationTest}, for VRRP.
 *
 * <p>Every router is a {@link VrrpStateMachine} run by the {@link VrrpDriver} the Linux instance
 * ships; the LAN supplies the driver's ports: advertisements are multicast to the other routers
 * with the seeded loss, delay, duplication and partitions of {@link NetworkConditions}; virtual
 * addresses are tracked per host; timers run on a {@link VirtualScheduler}. Everything random comes
 * from one injected {@link RandomGenerator}, so a seed replays a run exactly.
 *
 * <p>After every event (a delivery, a timer, an outside action) the invariants are checked, and a
 * failure throws {@link InvariantViolation} naming the seed:
 *
 * <ol>
 *   <li><b>VIPs follow mastership</b>, always: a running host holds the virtual addresses exactly
 *       while it is MASTER; a stopped or crashed host holds none.
 *   <li><b>One master, the right one</b>, once the network has been stable (no loss, no partition,
 *       no start/stop/crash/health/link/conditions change) for {@link #stabilisationWindow()}: per
 *       VRID, if any running router can compete (BACKUP or MASTER), exactly one is MASTER, and no
 *       competing router that preempts has a strictly higher effective priority. Equal priorities
 *       are not ordered by address here: RFC 3768 breaks ties only between two masters; a backup
 *       with equal priority accepts the master's advertisements (§6.4.2), so whoever won first
 *       stays.
 *   <li><b>No needless takeover</b>: a router never becomes MASTER while another router is MASTER
 *       and has been heard by it: both in their states since an instant {@code since}, nothing
 *       disturbed the network from one delay bound before {@code since} (so nothing older is still
 *       in flight), and more than one delay bound has passed since it. Only a router that preempts
 *       with a strictly higher priority may take over. This is what {@code nopreempt} promises.
 * </ol>
 *
 * <p>Not thread-safe; drive it from one thread.
 */
public final class VirtualLan {

  private static final int TRACE_LENGTH = 40;

  private final long seed;
  private final RandomGenerator random;
  private final VirtualScheduler scheduler;
  private final SimulationListener listener;
  private final boolean checkInvariants;
  private final double staleTimerProbability;
  private final Function<VrrpRouterConfig, VrrpStateMachine> machines;
  private final Map<String, SimulatedRouter> routers = new LinkedHashMap<>();

  /**
   * The last events, formatted only if a violation is reported (formatting every event is costly).
   */
  private final ArrayDeque<TraceEntry> trace = new ArrayDeque<>();

  private NetworkConditions conditions;
  private long maxDelayEverNanos;

  /** Cached {@link #stabilisationWindow()}; -1 when routers or delays changed. */
  private long windowNanos = -1;

  private long lastDisturbanceNanos;
  private boolean partitioned;
  private int nextPartitionGroup = 1;
  private long events;
  private long stableChecks;
  private long packetsLost;
  private long packetsDelivered;

  private VirtualLan(Builder b) {
    this.seed = b.seed;
    this.random = b.random != null ? b.random : new SplittableRandom(b.seed);
    this.scheduler = b.scheduler != null ? b.scheduler : new VirtualScheduler();
    this.listener = b.listener;
    this.checkInvariants = b.checkInvariants;
    this.staleTimerProbability = b.staleTimerProbability;
    this.machines = b.machines;
    this.conditions = b.conditions;
    this.maxDelayEverNanos = b.conditions.maxDelay().toNanos();
    this.lastDisturbanceNanos = scheduler.nanoTime();
  }

  /** A LAN whose randomness all derives from {@code seed} (printed with any violation). */
  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  // ---------------------------------------------------------------- topology and outside events

  /**
   * Attaches a host running {@code config}; it stays stopped until {@link SimulatedRouter#start()}.
   */
  public SimulatedRouter addRouter(String name, VrrpRouterConfig config) {
    if (routers.containsKey(name)) {
      throw new IllegalArgumentException("a router named " + name + " is already on this LAN");
    }
    SimulatedRouter router = new SimulatedRouter(this, name, config);
    routers.put(name, router);
    windowNanos = -1;
    return router;
  }

  public List<SimulatedRouter> routers() {
    return List.copyOf(routers.values());
  }

  public SimulatedRouter router(String name) {
    SimulatedRouter router = routers.get(name);
    if (router == null) {
      throw new IllegalArgumentException("no router named " + name + "; have " + routers.keySet());
    }
    return router;
  }

  /** Changes loss/delay/duplication from now on; counts as a disturbance. */
  public void setConditions(NetworkConditions newConditions) {
    this.conditions = Objects.requireNonNull(newConditions, "conditions");
    maxDelayEverNanos = Math.max(maxDelayEverNanos, newConditions.maxDelay().toNanos());
    windowNanos = -1;
    outside(
        "conditions: loss "
            + newConditions.lossProbability()
            + ", delay "
            + newConditions.minDelay().toNanos()
            + ".."
            + newConditions.maxDelay().toNanos()
            + " ns, duplicate "
            + newConditions.duplicateProbability());
  }

  public NetworkConditions conditions() {
    return conditions;
  }

  /** Cuts {@code side} off from every other router (each side still talks within itself). */
  public void partition(Collection<SimulatedRouter> side) {
    int group = nextPartitionGroup++;
    Set<SimulatedRouter> members = new HashSet<>(side);
    for (SimulatedRouter router : members) {
      router.partitionGroup = group;
    }
    partitioned = routers.values().stream().map(r -> r.partitionGroup).distinct().count() > 1;
    List<String> in = members.stream().map(SimulatedRouter::name).sorted().toList();
    List<String> out =
        routers.values().stream()
            .filter(r -> !members.contains(r))
            .map(SimulatedRouter::name)
            .toList();
    outside("partition " + in + " | " + out);
  }

  /** Ends every partition. */
  public void heal() {
    routers.values().forEach(r -> r.partitionGroup = 0);
    partitioned = false;
    outside("partition healed");
  }

  public boolean partitioned() {
    return partitioned;
  }

  /** Records a line in the listener's timeline, without disturbing anything. */
  public void note(String text) {
    listener.onNote(scheduler.nanoTime(), text);
    remember("--", text);
  }

  /** Runs every event due in the next {@code duration} of virtual time. */
  public void runFor(Duration duration) {
    scheduler.advanceBy(duration);
  }

  /** Runs every event due up to virtual time {@code nanos}. */
  public void runUntil(long nanos) {
    scheduler.advanceTo(nanos);
  }

  /** Schedules an outside action (start, crash, ...) at a later virtual time. */
  public void at(Duration delay, Runnable action) {
    scheduler.schedule(delay, action);
  }

  public VirtualScheduler scheduler() {
    return scheduler;
  }

  public long nowNanos() {
    return scheduler.nanoTime();
  }

  public long seed() {
    return seed;
  }

  /** Deliveries and timer firings processed so far. */
  public long events() {
    return events;
  }

  /** How many times the stable-network invariant (one right master) was actually checked. */
  public long stableChecks() {
    return stableChecks;
  }

  public long packetsLost() {
    return packetsLost;
  }

  public long packetsDelivered() {
    return packetsDelivered;
  }

  /** The running MASTER of {@code vrid}, if exactly one. */
  public Optional<SimulatedRouter> master(int vrid) {
    List<SimulatedRouter> masters =
        routers.values().stream()
            .filter(
                r ->
                    r.running
                        && r.config().virtualRouterId() == vrid
                        && r.state() == VrrpState.MASTER)
            .toList();
    return masters.size() == 1 ? Optional.of(masters.get(0)) : Optional.empty();
  }

  /**
   * How long the network must be undisturbed before one right master is required.
   *
   * <p>Without {@code preempt_delay}: the longest Master_Down_Interval (3 intervals plus at most 1
   * s of skew), by which every backup that discards the master's advertisements has timed out, plus
   * one interval for the next advertisement to go out and two delay bounds (an advert reaching the
   * taker, the taker's reaching the old master).
   *
   * <p>With a {@code preempt_delay}, the delay only starts when the first lower-priority
   * advertisement arrives, and that needs some (lower) router to become master first, which can
   * take one more Master_Down_Interval: the window is then two down intervals plus the longest
   * delay plus one more delay bound.
   */
  public Duration stabilisationWindow() {
    return Duration.ofNanos(stabilisationWindowNanos());
  }

  private long stabilisationWindowNanos() {
    if (windowNanos >= 0) {
      return windowNanos;
    }
    long maxInterval = 1_000_000_000L;
    long maxPreemptDelay = 0;
    boolean anyV3 = false;
    for (SimulatedRouter router : routers.values()) {
      maxInterval = Math.max(maxInterval, router.config().advertInterval().toNanos());
      maxPreemptDelay = Math.max(maxPreemptDelay, router.config().preemptDelay().toNanos());
      anyV3 |= router.config().version() == VrrpWireFormat.VERSION_3;
    }
    // A VRRPv3 backup times the master by the master's interval, at most the longest configured;
    // its skew scales with it. VRRPv2's skew is at most 255/256 s whatever the interval.
    long downInterval =
        anyV3
            ? VrrpTiming.DOWN_TIMER_ADVERTISEMENTS * maxInterval
                + Math.max(
                    VrrpTiming.skewTime(1).toNanos(),
                    VrrpTiming.v3SkewTime(1, Duration.ofNanos(maxInterval)).toNanos())
            : VrrpTiming.masterDownInterval((int) (maxInterval / 1_000_000_000L), 1).toNanos();
    long nanos = downInterval + maxInterval + 2 * maxDelayEverNanos;
    if (maxPreemptDelay > 0) {
      nanos += downInterval + maxPreemptDelay + maxDelayEverNanos;
    }
    windowNanos = nanos;
    return nanos;
  }

  // ---------------------------------------------------------------- router lifecycle (from
  // SimulatedRouter)

  void start(SimulatedRouter router) {
    if (router.running) {
      return;
    }
    outside(router.name() + " starts");
    router.incarnation++;
    VrrpStateMachine machine =
        Objects.requireNonNull(
            machines.apply(router.config()), "state machine factory returned null");
    router.driver = driverFor(router, machine);
    router.running = true;
    // what the host already knows before the protocol starts: its health checks and its link
    for (Map.Entry<String, HealthStatus> e : router.health.entrySet()) {
      if (e.getValue() == HealthStatus.DOWN) {
        feed(router, VrrpInput.health(e.getKey(), e.getValue()));
      }
    }
    if (!router.linkUp) {
      feed(router, VrrpInput.interfaceUp(false));
    }
    feed(router, VrrpInput.start());
    check();
  }

  void stop(SimulatedRouter router) {
    if (!router.running) {
      return;
    }
    outside(router.name() + " stops");
    // VrrpDriver.stop() in its two steps, so that halting cancels the timers for real (see
    // HostScheduler)
    feed(router, VrrpInput.shutdown());
    halt(router);
    check();
  }

  void crash(SimulatedRouter router) {
    if (!router.running) {
      return;
    }
    outside(router.name() + " crashes");
    halt(router);
    router.holdsVirtualAddresses = false; // the host is gone, and its addresses with it
    router.addressesHeld.clear();
    check();
  }

  void setHealth(SimulatedRouter router, String input, HealthStatus status) {
    if (!router.health.containsKey(input)) {
      throw new IllegalArgumentException(
          router.name()
              + " tracks no input named "
              + input
              + "; it tracks "
              + router.health.keySet());
    }
    if (router.health.put(input, status) == status) {
      return;
    }
    outside(router.name() + " " + input + " " + status);
    if (router.running) {
      feed(router, VrrpInput.health(input, status));
    }
    check();
  }

  void reconfigure(SimulatedRouter router, VrrpRouterConfig next) {
    outside(router.name() + " reconfigured");
    Map<String, HealthStatus> health = new LinkedHashMap<>();
    next.trackedInputs()
        .forEach(
            input ->
                health.put(
                    input.name(), router.health.getOrDefault(input.name(), HealthStatus.UP)));
    if (router.running) {
      feed(router, VrrpInput.reconfigure(next, health));
    }
    router.config = next;
    router.health.clear();
    router.health.putAll(health);
    check();
  }

  void setLink(SimulatedRouter router, boolean up) {
    if (router.linkUp == up) {
      return;
    }
    outside(router.name() + " link " + (up ? "up" : "down"));
    router.linkUp = up;
    if (router.running) {
      feed(router, VrrpInput.interfaceUp(up));
    }
    check();
  }

  /**
   * Not running any more, then the driver's timers cancelled (for real: see {@link HostScheduler}).
   */
  private void halt(SimulatedRouter router) {
    router.running = false;
    router.driver.halt();
    router.stateSinceNanos = scheduler.nanoTime();
    router.driver = null;
  }

  private void outside(String text) {
    disturbed();
    note(text);
  }

  private void disturbed() {
    lastDisturbanceNanos = scheduler.nanoTime();
  }

  // ---------------------------------------------------------------- performing actions

  private void feed(SimulatedRouter router, VrrpInput input) {
    router.driver.handle(input);
  }

  /**
   * The driver the Linux instance runs, over simulated adapters: adverts go on this LAN, the VIP
   * table and the announcements are flags and counters on the router, timers run in virtual time.
   */
  private VrrpDriver driverFor(SimulatedRouter router, VrrpStateMachine machine) {
    return VrrpDriver.builder(machine)
        .name(router.name())
        .scheduler(new HostScheduler(router, router.incarnation))
        .adverts(
            advertisement -> {
              router.advertisementsSent++;
              transmit(router, advertisement);
            })
        .addresses(
            new VirtualAddressTable() {
              @Override
              public void add(List<Ipv4Cidr> addresses) {
                router.holdsVirtualAddresses = true;
                router.addressesHeld.addAll(addresses);
              }

              @Override
              public void remove(List<Ipv4Cidr> addresses) {
                router.addressesHeld.removeAll(addresses);
                // a reconfigured master removes only the addresses it dropped
                router.holdsVirtualAddresses &= !router.addressesHeld.isEmpty();
              }
            })
        .announcer(
            (addresses, repeat) -> router.gratuitousArpsSent += (long) repeat * addresses.size())
        .observer(
            new ActionObserver() {
              @Override
              public void decided(long nowNanos, List<VrrpAction> actions) {
                // The state change is listed last, but it happens before the advert it sends can be
                // lost.
                for (VrrpAction action : actions) {
                  if (action instanceof VrrpAction.StateChanged changed) {
                    if (changed.to() == VrrpState.MASTER) {
                      checkTakeover(router);
                    }
                    router.stateSinceNanos = nowNanos;
                  }
                }
              }

              @Override
              public void performing(long nowNanos, VrrpAction action) {
                listener.onAction(nowNanos, router, action);
                remember(router.name(), action);
              }
            })
        .build();
  }

  /**
   * One router's view of the LAN's clock: its timers are events (counted, invariants checked after)
   * that only reach the incarnation that armed them. While the router runs, a cancelled or replaced
   * timer is left to fire with {@code staleTimerProbability}: the state machine must then ignore it
   * by its token. Once the router stopped or crashed, cancelling always cancels.
   */
  private final class HostScheduler implements Scheduler {
    private final SimulatedRouter router;
    private final long incarnation;

    HostScheduler(SimulatedRouter router, long incarnation) {
      this.router = router;
      this.incarnation = incarnation;
    }

    @Override
    public long nanoTime() {
      return scheduler.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
      schedule(Duration.ZERO, task);
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      Timer timer =
          scheduler.schedule(
              delay,
              () ->
                  event(
                      () -> {
                        if (router.running && router.incarnation == incarnation) {
                          task.run();
                        }
                      }));
      return () -> {
        if (router.running
            && staleTimerProbability > 0
            && random.nextDouble() < staleTimerProbability) {
          return false;
        }
        return timer.cancel();
      };
    }
  }

  private void transmit(SimulatedRouter from, VrrpAdvertisement advertisement) {
    if (!from.linkUp) {
      return;
    }
    for (SimulatedRouter to : routers.values()) {
      if (to == from || !to.running || !to.linkUp) {
        continue;
      }
      if (to.partitionGroup != from.partitionGroup) {
        listener.onDrop(scheduler.nanoTime(), from, to, "partition");
        continue;
      }
      if (conditions.lossy() && random.nextDouble() < conditions.lossProbability()) {
        packetsLost++;
        disturbed();
        listener.onDrop(scheduler.nanoTime(), from, to, "loss");
        continue;
      }
      deliverLater(from, to, advertisement);
      if (conditions.duplicateProbability() > 0
          && random.nextDouble() < conditions.duplicateProbability()) {
        deliverLater(from, to, advertisement);
      }
    }
  }

  private void deliverLater(
      SimulatedRouter from, SimulatedRouter to, VrrpAdvertisement advertisement) {
    long min = conditions.minDelay().toNanos();
    long max = conditions.maxDelay().toNanos();
    long delay = max > min ? random.nextLong(min, max + 1) : min;
    scheduler.schedule(
        Duration.ofNanos(delay),
        () ->
            event(
                () -> {
                  if (!to.running || !to.linkUp || to.partitionGroup != from.partitionGroup) {
                    return;
                  }
                  if (advertisement.version() != to.config().version()) {
                    String reason = MixedVersions.dropReason(from, to, advertisement);
                    to.dropsByReason.merge(reason, 1L, Long::sum);
                    listener.onDrop(scheduler.nanoTime(), from, to, reason);
                    return;
                  }
                  packetsDelivered++;
                  listener.onDelivery(scheduler.nanoTime(), from, to, advertisement);
                  feed(to, VrrpInput.advertisement(from.config().primaryAddress(), advertisement));
                }));
  }

  private void event(Runnable body) {
    events++;
    body.run();
    check();
  }

  // ---------------------------------------------------------------- invariants

  /**
   * Checks every invariant now; called after each event, public for tests that want one more look.
   */
  public void checkInvariants() {
    long now = scheduler.nanoTime();
    for (SimulatedRouter router : routers.values()) {
      boolean master = router.running && router.state() == VrrpState.MASTER;
      if (master && !router.addressesHeld.equals(Set.copyOf(router.config().heldAddresses()))) {
        fail(
            router.name()
                + " as MASTER holds "
                + router.addressesHeld
                + ", configured "
                + router.config().heldAddresses());
      }
      if (router.holdsVirtualAddresses != master) {
        fail(
            router.name()
                + " "
                + (router.holdsVirtualAddresses ? "holds" : "does not hold")
                + " the virtual addresses while "
                + (router.running ? router.state() : "not running"));
      }
    }
    if (partitioned || now - lastDisturbanceNanos < stabilisationWindowNanos()) {
      return;
    }
    stableChecks++;
    Map<Integer, List<SimulatedRouter>> byVrid = new TreeMap<>();
    for (SimulatedRouter router : routers.values()) {
      VrrpState state = router.state();
      if (router.running
          && router.linkUp
          && (state == VrrpState.BACKUP || state == VrrpState.MASTER)) {
        byVrid
            .computeIfAbsent(router.config().virtualRouterId(), k -> new ArrayList<>())
            .add(router);
      }
    }
    for (Map.Entry<Integer, List<SimulatedRouter>> vrid : byVrid.entrySet()) {
      if (!MixedVersions.mixed(vrid.getValue())) {
        checkOneMaster(vrid.getKey(), vrid.getValue());
        continue;
      }
      // VRRPv2 and VRRPv3 on one VRID cannot hear each other: one master per version, and every
      // router has dropped the other version's adverts by name (a counted, logged warning).
      for (int version : new int[] {VrrpWireFormat.VERSION, VrrpWireFormat.VERSION_3}) {
        List<SimulatedRouter> speakers =
            vrid.getValue().stream().filter(r -> r.config().version() == version).toList();
        if (!speakers.isEmpty()) {
          checkOneMaster(vrid.getKey(), speakers);
        }
      }
      for (SimulatedRouter router : vrid.getValue()) {
        if (MixedVersions.dropped(router) == 0) {
          fail(
              "VRID "
                  + vrid.getKey()
                  + " mixes VRRP versions, but "
                  + router
                  + " (VRRPv"
                  + router.config().version()
                  + ") has dropped none of the other version's adverts after a stable network"
                  + " since "
                  + seconds(lastDisturbanceNanos));
        }
      }
    }
  }

  /** Invariant 2 for routers of one VRID that hear each other. */
  private void checkOneMaster(int vrid, List<SimulatedRouter> group) {
    List<SimulatedRouter> masters =
        group.stream().filter(r -> r.state() == VrrpState.MASTER).toList();
    if (masters.size() != 1) {
      fail(
          "VRID "
              + vrid
              + " has "
              + masters.size()
              + " masters "
              + masters
              + " after a stable network since "
              + seconds(lastDisturbanceNanos));
    }
    SimulatedRouter master = masters.get(0);
    for (SimulatedRouter other : group) {
      if (other != master
          && other.config().preempts()
          && other.effectivePriority() > master.effectivePriority()) {
        fail(
            "VRID "
                + vrid
                + " master "
                + master
                + " (priority "
                + master.effectivePriority()
                + ") is outranked by "
                + other
                + " (priority "
                + other.effectivePriority()
                + ", preempting) after a stable network since "
                + seconds(lastDisturbanceNanos));
      }
    }
  }

  /**
   * Called as {@code taker} turns MASTER, before its state times are updated. If another router has
   * been MASTER, and the taker in its previous state, since some instant after which nothing
   * disturbed the network, and more than one delay bound has passed since, the taker has heard that
   * master's advertisement: it may only take over if it preempts with a strictly higher priority.
   */
  private void checkTakeover(SimulatedRouter taker) {
    if (!checkInvariants || partitioned) {
      return;
    }
    long now = scheduler.nanoTime();
    for (SimulatedRouter master : routers.values()) {
      if (master == taker
          || !master.running
          || !master.linkUp
          || master.state() != VrrpState.MASTER
          || master.config().virtualRouterId() != taker.config().virtualRouterId()) {
        continue;
      }
      long since = Math.max(master.stateSinceNanos, taker.stateSinceNanos);
      // Disturbed before `since`, and by more than a delay bound, so that nothing sent before it (a
      // late resignation, say) is still in flight; and since then long enough for the master's
      // advertisement to have arrived.
      boolean heard =
          lastDisturbanceNanos < since - maxDelayEverNanos && now - since > maxDelayEverNanos;
      boolean preempts =
          taker.config().preempts() && taker.effectivePriority() > master.effectivePriority();
      if (master.config().version() != taker.config().version()) {
        // the other version's master cannot be obeyed, but must not go unnoticed
        if (heard && MixedVersions.dropped(taker) == 0) {
          fail(
              taker
                  + " became MASTER beside VRRPv"
                  + master.config().version()
                  + " master "
                  + master
                  + " without having dropped a single one of its adverts by name");
        }
        continue;
      }
      if (heard && !preempts) {
        fail(
            taker
                + " became MASTER while "
                + master
                + " (priority "
                + master.effectivePriority()
                + ") has been MASTER and heard since "
                + seconds(since)
                + "; "
                + taker
                + " has priority "
                + taker.effectivePriority()
                + (taker.config().preempt() ? "" : " and nopreempt"));
      }
    }
  }

  private void check() {
    if (checkInvariants) {
      checkInvariants();
    }
  }

  private void fail(String what) {
    long now = scheduler.nanoTime();
    StringBuilder message =
        new StringBuilder()
            .append("VRRP invariant violated at t=")
            .append(seconds(now))
            .append(" with seed ")
            .append(seed)
            .append(" (replay with the same seed): ")
            .append(what)
            .append("\nrecent events:");
    for (TraceEntry entry : trace) {
      message
          .append("\n  ")
          .append(seconds(entry.nanos))
          .append(' ')
          .append(entry.who)
          .append(' ')
          .append(entry.what);
    }
    throw new InvariantViolation(seed, now, message.toString());
  }

  private void remember(String who, Object what) {
    if (trace.size() == TRACE_LENGTH) {
      trace.removeFirst();
    }
    trace.addLast(new TraceEntry(scheduler.nanoTime(), who, what));
  }

  private record TraceEntry(long nanos, String who, Object what) {}

  /** Virtual nanoseconds as seconds with 6 decimals: "3.609375 s". */
  public static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.6f s", nanos / 1e9);
  }

  // ---------------------------------------------------------------- builder

  /** Configures a {@link VirtualLan}. */
  public static final class Builder {
    private final long seed;
    private RandomGenerator random;
    private VirtualScheduler scheduler;
    private SimulationListener listener = new SimulationListener() {};
    private NetworkConditions conditions = NetworkConditions.perfect(Duration.ofMillis(1));
    private boolean checkInvariants = true;
    private double staleTimerProbability;
    private Function<VrrpRouterConfig, VrrpStateMachine> machines = VrrpStateMachine::create;

    private Builder(long seed) {
      this.seed = seed;
    }

    /**
     * Replaces the default {@code new SplittableRandom(seed)}; it must itself be seeded to replay.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Shares a scheduler, e.g. with other simulated components; default: a new one at time zero.
     */
    public Builder scheduler(VirtualScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public Builder listener(SimulationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Default: no loss, 1 ms delay, no duplicates. */
    public Builder conditions(NetworkConditions conditions) {
      this.conditions = Objects.requireNonNull(conditions, "conditions");
      return this;
    }

    /** Default true. */
    public Builder checkInvariants(boolean check) {
      this.checkInvariants = check;
      return this;
    }

    /** Probability (0-1, default 0) that a cancelled or replaced timer is left to fire anyway. */
    public Builder staleTimerProbability(double probability) {
      if (!(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException(
            "stale timer probability must be 0-1, got " + probability);
      }
      this.staleTimerProbability = probability;
      return this;
    }

    /**
     * Replaces {@link VrrpStateMachine#create} as the source of each router's state machine (called
     * at every start), e.g. to wrap it with instrumentation or to check that the invariants catch a
     * deliberately broken one.
     */
    public Builder stateMachines(Function<VrrpRouterConfig, VrrpStateMachine> factory) {
      this.machines = Objects.requireNonNull(factory, "factory");
      return this;
    }

    public VirtualLan build() {
      return new VirtualLan(this);
    }
  }
}
