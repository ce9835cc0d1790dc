package org.ha4j.vrrp;

import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * Hears what a {@link VrrpInstance} does. Every method has a no-op default: implement what you
 * need.
 *
 * <p><b>Contract.</b> Calls come on the instance's single protocol thread, one at a time (never
 * concurrently), in the order things happened: a state change is reported after the actions that
 * carry it out (a new MASTER already holds its VIPs and has sent its first advert and GARPs). A
 * listener must return quickly and must not block: the protocol waits for it, and a slow listener
 * delays adverts and can cost mastership. Hand slow work (a notification, a reload) to another
 * executor. An exception thrown from a listener is logged and swallowed; it does not affect the
 * instance or other listeners. Do not call {@link VrrpInstance#stop()} from a listener: it waits
 * for the protocol thread, which is running you.
 */
public interface VrrpListener {

  /**
   * The instance changed state.
   *
   * @param reason why, in keepalived's words where there are some, e.g. "no advertisement for
   *     Master_Down_Interval 3.609 s"
   */
  default void onStateChange(VrrpInstance instance, VrrpState from, VrrpState to, String reason) {}

  /** The effective priority changed because a weighted tracked health source changed. */
  default void onPriorityChange(VrrpInstance instance, int from, int to, String reason) {}

  /**
   * {@link VrrpInstance#reconfigure} took effect; heard by the new listeners.
   *
   * @param changes the settings that changed, e.g. {@code priority 100 -> 110, VIPs
   *     +[10.200.0.102/32] -[10.200.0.100/32]}, or {@code nothing changed}
   */
  default void onReconfigure(VrrpInstance instance, String changes) {}

  /**
   * A received packet failed validation and was dropped (it changed nothing). Called for every
   * packet; the instance itself logs them at a limited rate.
   *
   * @param reason the name of the rule it broke, e.g. {@code TTL_NOT_255}, {@code AUTH_FAILURE}
   * @param source the packet's IP source when it could be read, else null
   */
  default void onPacketDropped(VrrpInstance instance, String reason, Ipv4Address source) {}
}
