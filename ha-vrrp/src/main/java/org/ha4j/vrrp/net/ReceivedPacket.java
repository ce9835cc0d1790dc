package org.ha4j.vrrp.net;

import java.util.Arrays;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;

/**
 * An IPv4 packet as a raw socket delivers it, with the header fields VRRP checks (RFC 3768 §7.1: TTL,
 * source) and the payload after the header.
 *
 * @param source      the sender's address: for VRRP, the sending router's primary address (§5.2.1)
 * @param destination 224.0.0.18, or our own address for unicast peers
 * @param ttl         must be 255 for multicast VRRP (§5.2.3)
 * @param protocol    112 for VRRP
 * @param payload     the bytes after the IP header, up to the header's total length
 */
public record ReceivedPacket(Ipv4Address source, Ipv4Address destination, int ttl, int protocol, byte[] payload) {

    public ReceivedPacket {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload without copying, for the decoder; callers must not modify it. */
    byte[] payloadUnsafe() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedPacket other && other.source.equals(source) && other.destination.equals(destination)
                && other.ttl == ttl && other.protocol == protocol && Arrays.equals(other.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, ttl, protocol, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return source + " -> " + destination + " ttl " + ttl + " proto " + protocol + " " + payload.length + " bytes";
    }
}
