package org.ha4j.vrrp.net;

/**
 * Why the transport dropped a received packet before the VRRP decoder saw it: the IP-level checks of
 * RFC 3768 §7.1 and keepalived's unicast source check. Each is counted and logged at a limited rate.
 */
public enum TransportRejection {
    /** Shorter than its IP header, or the header length field is invalid. */
    TRUNCATED_IP_HEADER,
    /** The IP total length is larger than what was received (keepalived: "ip payload too short"). */
    IP_LENGTH_MISMATCH,
    /** Not IP protocol 112. */
    NOT_VRRP,
    /** TTL is not 255: the packet crossed a router or was forged off-link (§5.2.3, §10). */
    TTL_NOT_255,
    /** A unicast instance received an advert from an address that is not one of its peers. */
    NOT_A_PEER,
    /** Our own advertisement, looped back. */
    OWN_ADVERTISEMENT
}
