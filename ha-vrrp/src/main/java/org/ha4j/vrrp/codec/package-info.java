/**
 * The VRRPv2 wire format (RFC 3768 §5), as a small fixed set of types.
 *
 * <ul>
 *   <li>{@link org.ha4j.vrrp.codec.VrrpAdvertisement} and {@link
 *       org.ha4j.vrrp.codec.VrrpAuthentication}: the message as immutable values.
 *   <li>{@link org.ha4j.vrrp.codec.VrrpEncoder}: stateless; the VRRP message, or the whole IPv4
 *       packet exactly as keepalived 2.2.7 sends it.
 *   <li>{@link org.ha4j.vrrp.codec.VrrpDecoder}: stateless; a received IPv4 packet to a {@link
 *       org.ha4j.vrrp.codec.VrrpDecodeResult}: accepted, or rejected with a {@link
 *       org.ha4j.vrrp.codec.VrrpRejectReason} naming the rule. Never throws on packet bytes.
 *   <li>{@link org.ha4j.vrrp.codec.ReceiveExpectations}: the receiver's side of RFC 3768 §7.1
 *       (VRID, owner, authentication, interval, addresses, TTL).
 *   <li>{@link org.ha4j.vrrp.codec.VrrpWireFormat}: the protocol's numbers.
 * </ul>
 */
package org.ha4j.vrrp.codec;
