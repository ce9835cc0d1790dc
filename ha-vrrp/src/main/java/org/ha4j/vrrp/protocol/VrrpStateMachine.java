package org.ha4j.vrrp.protocol;

import java.util.List;

/**
 * One VRRPv2 virtual router as a pure function of its inputs: RFC 3768 §6.4 plus what keepalived
 * adds and its users rely on (FAULT, {@code nopreempt}, {@code preempt_delay}, tracked-input
 * weights, GARP bursts).
 *
 * <p>It performs no I/O, reads no clock, starts no thread and draws no random number. Time comes in
 * with every call; everything it wants done comes back as {@link VrrpAction}s for the caller to
 * perform. The same configuration and the same sequence of {@code (nowNanos, input)} always give
 * the same actions, which is what lets the simulation replay a failure from its seed.
 *
 * <p>A caller (a shell owning a socket, a clock and the interface) runs this loop on one thread:
 *
 * <pre>{@code
 * VrrpStateMachine router = VrrpStateMachine.create(config);
 * perform(router.handle(ticker.nanoTime(), VrrpInput.start()));
 * // on a received, validated packet:
 * perform(router.handle(ticker.nanoTime(), VrrpInput.advertisement(source, advert)));
 * // where perform(actions) does, in order:
 * //   SendAdvertisement -> encode + send;   Add/RemoveVirtualAddresses -> netlink;
 * //   SendGratuitousArp -> AF_PACKET;       ArmTimer a -> scheduler.schedule(a.delay(),
 * //                                              () -> perform(router.handle(now, a.expiry())));
 * //   CancelTimer -> cancel that kind;      StateChanged / PriorityChanged -> log, notify.
 * }</pre>
 *
 * <p>Not thread-safe: call it from one thread (or under one lock), with non-decreasing {@code
 * nowNanos}.
 */
public interface VrrpStateMachine {

  /** A router in INITIALIZE for this configuration; send it {@link VrrpInput#start()} to run. */
  static VrrpStateMachine create(VrrpRouterConfig config) {
    return new StandardVrrpStateMachine(config);
  }

  /**
   * Feeds one input and returns what to do, in order (often nothing), as an immutable list. A
   * steady router (a master's Adver_Timer expiry, a backup's advert re-arming the same
   * Master_Down_Timer) gets the same list, with the same timer arming, again.
   *
   * @param nowNanos the caller's monotonic clock ({@link org.ha4j.core.time.Ticker#nanoTime()});
   *     never smaller than in the previous call
   * @throws IllegalArgumentException if {@code nowNanos} goes backwards
   */
  List<VrrpAction> handle(long nowNanos, VrrpInput input);

  /** The state after the last {@link #handle} call. */
  VrrpSnapshot snapshot();

  VrrpRouterConfig config();
}
