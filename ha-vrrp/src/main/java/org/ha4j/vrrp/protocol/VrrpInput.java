package org.ha4j.vrrp.protocol;

import java.util.Map;
import java.util.Objects;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;

/**
 * Something that happened to a virtual router, handed to {@link VrrpStateMachine#handle}. Create
 * them with the static factories: {@code VrrpInput.start()}, {@code VrrpInput.advertisement(sender,
 * advert)}.
 */
public sealed interface VrrpInput {

  /** RFC 3768 §6.4.1 Startup event. Ignored unless the router is in INITIALIZE. */
  static VrrpInput start() {
    return Start.INSTANCE;
  }

  /**
   * RFC 3768 §6.4.2/§6.4.3 Shutdown event: a master resigns with a priority-0 advertisement and
   * drops its addresses; every state returns to INITIALIZE.
   */
  static VrrpInput shutdown() {
    return Shutdown.INSTANCE;
  }

  /**
   * An advertisement that already passed the codec's RFC 3768 §7.1 checks (TTL, version, checksum,
   * auth, interval). {@code sender} is the IP source address, the peer's primary address.
   */
  static VrrpInput advertisement(Ipv4Address sender, VrrpAdvertisement advertisement) {
    return new AdvertisementReceived(sender, advertisement);
  }

  /**
   * A timer armed by {@link VrrpAction.ArmTimer} ran out; see {@link VrrpAction.ArmTimer#expiry()}.
   */
  static VrrpInput timerExpired(VrrpTimer timer, long token) {
    return new TimerExpired(timer, token);
  }

  /**
   * A tracked input named in {@link VrrpRouterConfig#trackedInputs()} changed. Unknown names are
   * ignored.
   */
  static VrrpInput health(String name, HealthStatus status) {
    return new TrackedHealthChanged(name, status);
  }

  /**
   * The router's settings change while it runs (a reload): same VRID, version and address-owner
   * status, anything else may differ. {@code trackedHealth} gives the current status of tracked
   * inputs the caller knows of; an input it does not name keeps the status the router knew, or
   * starts UP if new. No state transition follows unless the new settings demand one (a weight-0
   * input that is DOWN: FAULT; the input whose fault held it in FAULT gone: BACKUP).
   *
   * @throws IllegalArgumentException from {@link VrrpStateMachine#handle} if the VRID, version or
   *     address-owner status differ (those need a restart)
   */
  static VrrpInput reconfigure(VrrpRouterConfig config, Map<String, HealthStatus> trackedHealth) {
    return new Reconfigure(config, trackedHealth);
  }

  /** The VRRP interface went up or down (keepalived: interface fault). */
  static VrrpInput interfaceUp(boolean up) {
    return up ? InterfaceChanged.UP : InterfaceChanged.DOWN;
  }

  /** See {@link VrrpInput#start()}. */
  enum Start implements VrrpInput {
    INSTANCE
  }

  /** See {@link VrrpInput#shutdown()}. */
  enum Shutdown implements VrrpInput {
    INSTANCE
  }

  /** See {@link VrrpInput#advertisement}. */
  record AdvertisementReceived(Ipv4Address sender, VrrpAdvertisement advertisement)
      implements VrrpInput {
    public AdvertisementReceived {
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(advertisement, "advertisement");
    }
  }

  /**
   * See {@link VrrpInput#timerExpired}. The token identifies one arming: a firing whose token is
   * not the one currently armed for that timer (it was cancelled or re-armed since) changes
   * nothing.
   */
  record TimerExpired(VrrpTimer timer, long token) implements VrrpInput {
    public TimerExpired {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /** See {@link VrrpInput#health}. */
  record TrackedHealthChanged(String name, HealthStatus status) implements VrrpInput {
    public TrackedHealthChanged {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(status, "status");
    }
  }

  /** See {@link VrrpInput#reconfigure}. */
  record Reconfigure(VrrpRouterConfig config, Map<String, HealthStatus> trackedHealth)
      implements VrrpInput {
    public Reconfigure {
      Objects.requireNonNull(config, "config");
      trackedHealth = Map.copyOf(trackedHealth);
    }
  }

  /** See {@link VrrpInput#interfaceUp}. */
  enum InterfaceChanged implements VrrpInput {
    UP,
    DOWN;

    public boolean up() {
      return this == UP;
    }
  }
}
