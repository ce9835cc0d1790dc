package org.ha4j.vrrp.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;

/**
 * Drives one state machine in virtual time for scenario tests: runs its timers like a shell would
 * and keeps what it asked for. {@link #last()} holds the actions of the most recent input only.
 */
final class RouterHarness {

  static final int VRID = 51;
  static final Ipv4Cidr VIP = Ipv4Cidr.parse("10.200.0.100/24");
  static final Ipv4Address SELF = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER_LOWER_ADDRESS = Ipv4Address.parse("10.200.0.5");
  static final Ipv4Address PEER_HIGHER_ADDRESS = Ipv4Address.parse("10.200.0.11");
  static final VrrpAuthentication AUTH = VrrpAuthentication.password("1111");
  static final long SECOND = 1_000_000_000L;

  final VrrpStateMachine router;
  private final Map<VrrpTimer, Armed> timers = new EnumMap<>(VrrpTimer.class);
  private final List<VrrpAction> all = new ArrayList<>();
  private List<VrrpAction> last = List.of();
  private long now;

  private record Armed(VrrpAction.ArmTimer arm, long due) {}

  RouterHarness(VrrpRouterConfig config) {
    this.router = VrrpStateMachine.create(config);
  }

  static VrrpRouterConfig.Builder config(int priority) {
    return VrrpRouterConfig.builder()
        .virtualRouterId(VRID)
        .priority(priority)
        .primaryAddress(SELF)
        .authentication(AUTH)
        .addVirtualAddress(VIP);
  }

  static RouterHarness started(VrrpRouterConfig config) {
    RouterHarness h = new RouterHarness(config);
    h.feed(VrrpInput.start());
    return h;
  }

  static VrrpAdvertisement advert(int priority) {
    return new VrrpAdvertisement(VRID, priority, AUTH, 1, List.of(VIP.address()));
  }

  List<VrrpAction> feed(VrrpInput input) {
    last = router.handle(now, input);
    all.addAll(last);
    for (VrrpAction action : last) {
      if (action instanceof VrrpAction.ArmTimer arm) {
        timers.put(arm.timer(), new Armed(arm, now + arm.delay().toNanos()));
      } else if (action instanceof VrrpAction.CancelTimer cancel) {
        timers.remove(cancel.timer());
      }
    }
    return last;
  }

  List<VrrpAction> receive(Ipv4Address from, int priority) {
    return feed(VrrpInput.advertisement(from, advert(priority)));
  }

  List<VrrpAction> health(String name, HealthStatus status) {
    return feed(VrrpInput.health(name, status));
  }

  /**
   * Moves the clock to {@code nanos}, firing due timers in order; {@link #last()} = the last
   * firing's actions.
   */
  void advanceTo(long nanos) {
    List<VrrpAction> collected = new ArrayList<>();
    while (true) {
      Armed next =
          timers.values().stream()
              .filter(a -> a.due <= nanos)
              .min((a, b) -> Long.compare(a.due, b.due))
              .orElse(null);
      if (next == null) {
        break;
      }
      timers.remove(next.arm.timer());
      now = next.due;
      collected.addAll(feed(next.arm.expiry()));
    }
    now = nanos;
    last = collected;
  }

  void advanceBy(Duration d) {
    advanceTo(now + d.toNanos());
  }

  long now() {
    return now;
  }

  /** When the given timer will fire, or -1 if it is not armed. */
  long due(VrrpTimer timer) {
    Armed a = timers.get(timer);
    return a == null ? -1 : a.due;
  }

  VrrpAction.ArmTimer armed(VrrpTimer timer) {
    Armed a = timers.get(timer);
    return a == null ? null : a.arm;
  }

  VrrpState state() {
    return router.snapshot().state();
  }

  List<VrrpAction> last() {
    return last;
  }

  List<VrrpAction> all() {
    return all;
  }

  <T extends VrrpAction> List<T> lastOf(Class<T> type) {
    return last.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Integer> sentPriorities() {
    return lastOf(VrrpAction.SendAdvertisement.class).stream()
        .map(VrrpAction.SendAdvertisement::priority)
        .toList();
  }
}
