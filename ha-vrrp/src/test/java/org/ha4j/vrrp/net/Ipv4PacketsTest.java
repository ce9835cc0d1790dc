package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class Ipv4PacketsTest {

    static byte[] ipPacket(int headerWords, int ttl, int protocol, String source, String destination, byte[] payload) {
        int headerLength = headerWords * 4;
        byte[] packet = new byte[headerLength + payload.length];
        packet[0] = (byte) (0x40 | headerWords);
        int total = packet.length;
        packet[2] = (byte) (total >> 8);
        packet[3] = (byte) total;
        packet[8] = (byte) ttl;
        packet[9] = (byte) protocol;
        Ipv4Address.parse(source).writeTo(packet, 12);
        Ipv4Address.parse(destination).writeTo(packet, 16);
        System.arraycopy(payload, 0, packet, headerLength, payload.length);
        return packet;
    }

    private static final TransportConfig MULTICAST =
            new TransportConfig("eth0", 2, Ipv4Address.parse("10.200.0.11"), List.of());
    private static final TransportConfig UNICAST =
            new TransportConfig("eth0", 2, Ipv4Address.parse("10.200.0.11"), List.of(Ipv4Address.parse("10.200.0.12")));

    @Test
    void readsHeaderFieldsAndPayloadUsingTheHeaderLengthField() {
        byte[] payload = {1, 2, 3};
        byte[] packet = ipPacket(6, 255, 112, "10.200.0.12", "224.0.0.18", payload); // 4 bytes of options
        Ipv4Packets.Parsed parsed = Ipv4Packets.parse(packet, packet.length);
        ReceivedPacket received = ((Ipv4Packets.Parsed.Packet) parsed).packet();
        assertThat(received.source()).isEqualTo(Ipv4Address.parse("10.200.0.12"));
        assertThat(received.destination()).isEqualTo(Ipv4Address.parse("224.0.0.18"));
        assertThat(received.ttl()).isEqualTo(255);
        assertThat(received.protocol()).isEqualTo(112);
        assertThat(received.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void ethernetPaddingAfterTheTotalLengthIsIgnored() {
        byte[] packet = ipPacket(5, 255, 112, "10.200.0.12", "224.0.0.18", new byte[] {9});
        byte[] padded = java.util.Arrays.copyOf(packet, 46);
        assertThat(((Ipv4Packets.Parsed.Packet) Ipv4Packets.parse(padded, padded.length)).packet().payload())
                .containsExactly(9);
    }

    @Test
    void shortOrInconsistentHeadersAreNamedRejections() {
        byte[] packet = ipPacket(5, 255, 112, "10.200.0.12", "224.0.0.18", new byte[8]);
        assertThat(Ipv4Packets.parse(packet, 19)).isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.TRUNCATED_IP_HEADER));
        assertThat(Ipv4Packets.parse(packet, 24)).isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.IP_LENGTH_MISMATCH));
        packet[0] = 0x44; // IHL 4 < 5
        assertThat(Ipv4Packets.parse(packet, packet.length)).isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.TRUNCATED_IP_HEADER));
    }

    @Test
    void multicastRequiresTtl255() {
        byte[] packet = ipPacket(5, 64, 112, "10.200.0.12", "224.0.0.18", new byte[20]);
        assertThat(RawSocketVrrpTransport.check(MULTICAST, Ipv4Packets.parse(packet, packet.length)))
                .isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.TTL_NOT_255));
    }

    @Test
    void unicastDropsNonPeersButToleratesRoutedTtlLikeKeepalived() {
        byte[] fromPeer = ipPacket(5, 63, 112, "10.200.0.12", "10.200.0.11", new byte[20]);
        assertThat(RawSocketVrrpTransport.check(UNICAST, Ipv4Packets.parse(fromPeer, fromPeer.length)))
                .isInstanceOf(Ipv4Packets.Parsed.Packet.class);
        byte[] stranger = ipPacket(5, 255, 112, "10.200.0.99", "10.200.0.11", new byte[20]);
        assertThat(RawSocketVrrpTransport.check(UNICAST, Ipv4Packets.parse(stranger, stranger.length)))
                .isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.NOT_A_PEER));
    }

    @Test
    void ourOwnAdvertAndOtherProtocolsAreDropped() {
        byte[] own = ipPacket(5, 255, 112, "10.200.0.11", "224.0.0.18", new byte[20]);
        assertThat(RawSocketVrrpTransport.check(MULTICAST, Ipv4Packets.parse(own, own.length)))
                .isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.OWN_ADVERTISEMENT));
        byte[] tcp = ipPacket(5, 255, 6, "10.200.0.12", "224.0.0.18", new byte[20]);
        assertThat(RawSocketVrrpTransport.check(MULTICAST, Ipv4Packets.parse(tcp, tcp.length)))
                .isEqualTo(new Ipv4Packets.Parsed.Rejected(TransportRejection.NOT_VRRP));
    }
}
