package org.ha4j.vrrp.net;

import org.ha4j.core.net.Ipv4Address;

/**
 * Reads the IPv4 header (RFC 791 §3.1) a raw socket hands back in front of every packet. The header
 * length comes from the IHL field, never assumed to be 20: options are legal.
 */
public final class Ipv4Packets {

    /** The smallest IPv4 header. */
    public static final int MIN_HEADER_LENGTH = 20;

    private Ipv4Packets() {
    }

    /** The result of parsing: a packet, or the reason it was not one. */
    public sealed interface Parsed permits Parsed.Packet, Parsed.Rejected {
        record Packet(ReceivedPacket packet) implements Parsed {
        }

        record Rejected(TransportRejection reason) implements Parsed {
        }
    }

    /** Parses {@code length} bytes of {@code buffer} as an IPv4 packet. */
    public static Parsed parse(byte[] buffer, int length) {
        if (length < MIN_HEADER_LENGTH || (buffer[0] & 0xf0) != 0x40) {
            return new Parsed.Rejected(TransportRejection.TRUNCATED_IP_HEADER);
        }
        int headerLength = (buffer[0] & 0x0f) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return new Parsed.Rejected(TransportRejection.TRUNCATED_IP_HEADER);
        }
        int totalLength = (buffer[2] & 0xff) << 8 | (buffer[3] & 0xff);
        // Linux hands raw sockets the header with tot_len as sent; Ethernet padding may follow it.
        if (totalLength < headerLength || totalLength > length) {
            return new Parsed.Rejected(TransportRejection.IP_LENGTH_MISMATCH);
        }
        int ttl = buffer[8] & 0xff;
        int protocol = buffer[9] & 0xff;
        Ipv4Address source = Ipv4Address.ofBytes(buffer, 12);
        Ipv4Address destination = Ipv4Address.ofBytes(buffer, 16);
        byte[] payload = java.util.Arrays.copyOfRange(buffer, headerLength, totalLength);
        return new Parsed.Packet(new ReceivedPacket(source, destination, ttl, protocol, payload));
    }
}
