package org.ha4j.vrrp.simulation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;

/**
 * One host on a {@link VirtualLan}, running one {@link VrrpStateMachine} through the {@link
 * VrrpDriver} the Linux instance runs. The methods are what can happen to a real host: start, a
 * clean stop, a crash, a health check changing, the link going down. Each takes effect at the LAN's
 * current virtual time and is followed by an invariant check.
 */
public final class SimulatedRouter {

  private final VirtualLan lan;
  private final String name;

  /** Replaced by {@link #reconfigure}. */
  VrrpRouterConfig config;

  final Map<String, HealthStatus> health = new LinkedHashMap<>();

  /** The driver of the current run; null when not running. */
  VrrpDriver driver;

  /**
   * Bumped at every start, so timers of an earlier run (before a crash) can never reach this one.
   */
  long incarnation;

  boolean running;
  boolean linkUp = true;
  boolean holdsVirtualAddresses;

  /** The addresses on the router's interface now (a reconfigure adds and removes single ones). */
  final java.util.Set<org.ha4j.core.net.Ipv4Cidr> addressesHeld = new java.util.LinkedHashSet<>();

  /** When the router entered its current state (or stopped running). */
  long stateSinceNanos;

  int partitionGroup;
  long advertisementsSent;
  long gratuitousArpsSent;

  /** Adverts this router's receiver dropped, by the codec's reason name. */
  final Map<String, Long> dropsByReason = new TreeMap<>();

  SimulatedRouter(VirtualLan lan, String name, VrrpRouterConfig config) {
    this.lan = lan;
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    config.trackedInputs().forEach(input -> health.put(input.name(), HealthStatus.UP));
  }

  public String name() {
    return name;
  }

  public VrrpRouterConfig config() {
    return config;
  }

  /**
   * Starts a fresh state machine (after a crash: with no memory of the previous run). No-op if
   * running.
   */
  public void start() {
    lan.start(this);
  }

  /** A clean stop: the protocol's Shutdown event (a master resigns with priority 0). */
  public void stop() {
    lan.stop(this);
  }

  /** The host dies: no resignation, its timers stop, its addresses vanish with it. */
  public void crash() {
    lan.crash(this);
  }

  /** A tracked health input changes (remembered across restarts, like a real health check). */
  public void setHealth(String input, HealthStatus status) {
    lan.setHealth(this, input, status);
  }

  /**
   * A reload: the router adopts {@code next} (same VRID, version and owner status), running or not;
   * newly tracked inputs start UP.
   */
  public void reconfigure(VrrpRouterConfig next) {
    lan.reconfigure(this, next);
  }

  /** The host's link goes down (nothing in or out) or comes back. */
  public void setLinkUp(boolean up) {
    lan.setLink(this, up);
  }

  public boolean isRunning() {
    return running;
  }

  public boolean linkUp() {
    return linkUp;
  }

  /**
   * Whether this host has the virtual addresses on its interface, as told by the actions it
   * performed.
   */
  public boolean holdsVirtualAddresses() {
    return holdsVirtualAddresses;
  }

  /** The virtual and excluded addresses on its interface now. */
  public java.util.Set<org.ha4j.core.net.Ipv4Cidr> addressesHeld() {
    return java.util.Set.copyOf(addressesHeld);
  }

  /** The protocol state; INITIALIZE when not running. */
  public VrrpState state() {
    return running ? driver.snapshot().state() : VrrpState.INITIALIZE;
  }

  /** The state machine's snapshot, or empty-handed INITIALIZE values when not running. */
  public VrrpSnapshot snapshot() {
    if (driver == null) {
      return VrrpStateMachine.create(config).snapshot();
    }
    return driver.snapshot();
  }

  public int effectivePriority() {
    return snapshot().effectivePriority();
  }

  public long advertisementsSent() {
    return advertisementsSent;
  }

  public long gratuitousArpsSent() {
    return gratuitousArpsSent;
  }

  /**
   * Adverts dropped on receipt, by reason name (e.g. {@code VERSION_NOT_3} for a VRRPv2 peer's
   * advert at a VRRPv3 router), as the Linux receiver counts them.
   */
  public Map<String, Long> drops() {
    return Map.copyOf(dropsByReason);
  }

  @Override
  public String toString() {
    return name;
  }
}
