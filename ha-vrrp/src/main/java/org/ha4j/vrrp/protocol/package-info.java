/**
 * The VRRPv2 protocol as a pure state machine (RFC 3768 §6.4, with keepalived's additions).
 *
 * <p>This package implements the algorithm only. Sockets, the clock, the interface's addresses and
 * ARP are left to the caller. A router is modelled as a state machine: the input is a {@link
 * org.ha4j.vrrp.protocol.VrrpInput} (start, stop, a received advertisement, a timer running out, a
 * tracked health input or the interface changing) together with the current time; the output is a
 * list of {@link org.ha4j.vrrp.protocol.VrrpAction}s (send an advertisement, add or remove the
 * virtual addresses, send gratuitous ARPs, arm or cancel a timer, a state change). The same
 * configuration and the same inputs always give the same outputs.
 *
 * <ul>
 *   <li>{@link org.ha4j.vrrp.protocol.VrrpRouterConfig}: one {@code vrrp_instance}, keepalived's
 *       defaults.
 *   <li>{@link org.ha4j.vrrp.protocol.VrrpStateMachine}: {@code handle(nowNanos, input) ->
 *       actions}.
 *   <li>{@link org.ha4j.vrrp.protocol.VrrpTiming}: Skew_Time and Master_Down_Interval (RFC 3768
 *       §6.1).
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3768#section-6.4">RFC 3768 §6.4</a>
 */
package org.ha4j.vrrp.protocol;
