package org.ha4j.proxy;

/**
 * Whether a listener's sessions open each backend connection with a PROXY protocol header carrying
 * the client's source and destination address (HAProxy's PROXY protocol spec, {@code
 * doc/proxy-protocol.txt}): nginx's {@code proxy_protocol on} sends {@link #V1}, HAProxy's {@code
 * send-proxy} / {@code send-proxy-v2} send {@link #V1} / {@link #V2}.
 */
public enum ProxyProtocol {
  /** No header (nginx's default, {@code proxy_protocol off}). */
  OFF,
  /** The text header, {@code PROXY TCP4 src dst sport dport\r\n}: what nginx sends. */
  V1,
  /** The binary header of version 2, without TLVs. */
  V2
}
