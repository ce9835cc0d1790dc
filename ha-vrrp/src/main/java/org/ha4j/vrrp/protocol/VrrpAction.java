package org.ha4j.vrrp.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;

/**
 * Something the caller of {@link VrrpStateMachine#handle} must do. The state machine never does
 * these itself: it has no sockets, no addresses, no timers. Perform them in list order.
 */
public sealed interface VrrpAction {

  /** Encode and multicast this advertisement (RFC 3768 §7.2); its priority is 0 when resigning. */
  record SendAdvertisement(VrrpAdvertisement advertisement) implements VrrpAction {
    public SendAdvertisement {
      Objects.requireNonNull(advertisement, "advertisement");
    }

    public int priority() {
      return advertisement.priority();
    }
  }

  /** Add the virtual addresses to the interface (on becoming MASTER). */
  record AddVirtualAddresses(List<Ipv4Cidr> addresses) implements VrrpAction {
    public AddVirtualAddresses {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Remove the virtual addresses from the interface, those that are present (on leaving MASTER, and
   * at start-up to clear what a crashed earlier run left behind, as keepalived does).
   */
  record RemoveVirtualAddresses(List<Ipv4Cidr> addresses) implements VrrpAction {
    public RemoveVirtualAddresses {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Broadcast {@code count} gratuitous ARP requests for each address (RFC 3768 §6.4.2, keepalived's
   * bursts).
   */
  record SendGratuitousArp(List<Ipv4Cidr> addresses, int count) implements VrrpAction {
    public SendGratuitousArp {
      addresses = List.copyOf(addresses);
      if (count < 1) {
        throw new IllegalArgumentException("count must be >= 1, got " + count);
      }
    }
  }

  /**
   * Run {@code timer} once after {@code delay}, replacing any earlier arming of the same timer,
   * then hand {@link #expiry()} back to the state machine. Cancelling the earlier arming is good
   * manners but not required: a stale expiry is recognised by its token and ignored.
   */
  record ArmTimer(VrrpTimer timer, long token, Duration delay) implements VrrpAction {
    public ArmTimer {
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must be >= 0, got " + delay);
      }
    }

    /** The input to deliver when this timer runs out. */
    public VrrpInput.TimerExpired expiry() {
      return new VrrpInput.TimerExpired(timer, token);
    }
  }

  /** Stop {@code timer} if it is armed. */
  record CancelTimer(VrrpTimer timer) implements VrrpAction {
    public CancelTimer {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /**
   * The router changed state. It comes after the actions that carry the transition out (advert,
   * VIPs, GARP), so a listener notified in list order sees a new MASTER that already holds its
   * addresses.
   *
   * @param reason human-readable cause, e.g. "no advertisement for Master_Down_Interval 3.609 s"
   */
  record StateChanged(VrrpState from, VrrpState to, String reason) implements VrrpAction {
    public StateChanged {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The effective priority changed because a weighted tracked input changed (keepalived logs this).
   */
  record PriorityChanged(int from, int to, String reason) implements VrrpAction {
    public PriorityChanged {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
