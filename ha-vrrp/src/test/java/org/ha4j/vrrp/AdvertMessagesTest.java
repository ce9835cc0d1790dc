package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.VrrpTransport;
import org.junit.jupiter.api.Test;

/** What reaches the transport for each advert: per peer under VRRPv3, encoded once per advert. */
class AdvertMessagesTest {

  static final Ipv4Address SOURCE = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER_1 = Ipv4Address.parse("10.200.0.11");
  static final Ipv4Address PEER_2 = Ipv4Address.parse("10.200.0.12");
  static final List<Ipv4Address> VIPS = List.of(Ipv4Address.parse("10.200.0.100"));

  /** "destination hex" per send; "all hex" for a send to every destination. */
  final List<String> sent = new ArrayList<>();

  final List<byte[]> buffers = new ArrayList<>();
  final List<Ipv4Address> unreachable = new ArrayList<>();

  final VrrpTransport transport =
      new VrrpTransport() {
        @Override
        public Ipv4Address sourceAddress() {
          return SOURCE;
        }

        @Override
        public List<Ipv4Address> unicastPeers() {
          return List.of(PEER_1, PEER_2);
        }

        @Override
        public void send(byte[] advertisement) {
          sent.add("all " + HexFormat.of().formatHex(advertisement));
          buffers.add(advertisement);
        }

        @Override
        public void sendTo(byte[] advertisement, Ipv4Address destination) throws IOException {
          if (unreachable.contains(destination)) {
            throw new IOException("sendto " + destination + ": Network is unreachable");
          }
          sent.add(destination + " " + HexFormat.of().formatHex(advertisement));
          buffers.add(advertisement);
        }

        @Override
        public org.ha4j.core.linux.ScheduledSender openScheduledSender(int entries)
            throws IOException {
          throw new IOException("a fake transport has no advert socket");
        }

        @Override
        public byte[] receive(int timeoutMillis) {
          return null;
        }

        @Override
        public void close() {}
      };

  final AdvertMessages messages =
      new AdvertMessages(
          transport, new TransportConfig("eth0", 2, SOURCE, List.of(PEER_1, PEER_2)));

  /** The message as it goes on the wire to {@code destination}: the packet after its header. */
  static String onTheWire(VrrpAdvertisement advert, Ipv4Address destination) {
    byte[] packet = VrrpEncoder.encodePacket(advert, SOURCE, destination, 0);
    return destination
        + " "
        + HexFormat.of().formatHex(Arrays.copyOfRange(packet, 20, packet.length));
  }

  @Test
  void underVrrpv3EachPeerGetsAMessageCheckedAgainstItself() throws IOException {
    VrrpAdvertisement advert = VrrpAdvertisement.v3(51, 100, 5, VIPS);
    messages.send(advert);

    assertThat(sent).containsExactly(onTheWire(advert, PEER_1), onTheWire(advert, PEER_2));
    assertThat(sent.get(0).substring(12)).isNotEqualTo(sent.get(1).substring(12));
  }

  @Test
  void underVrrpv2EveryPeerGetsTheSameMessage() throws IOException {
    VrrpAdvertisement advert = new VrrpAdvertisement(51, 100, VrrpAuthentication.none(), 1, VIPS);
    messages.send(advert);

    assertThat(sent)
        .containsExactly("all " + HexFormat.of().formatHex(VrrpEncoder.encodeMessage(advert)));
  }

  @Test
  void anUnreachablePeerDoesNotKeepTheAdvertFromTheOthers() {
    unreachable.add(PEER_1);
    VrrpAdvertisement advert = VrrpAdvertisement.v3(51, 100, 5, VIPS);

    assertThatThrownBy(() -> messages.send(advert))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(PEER_1.toString());
    assertThat(sent).containsExactly(onTheWire(advert, PEER_2));
  }

  @Test
  void theSameAdvertIsSentFromTheSameBuffersAndAChangedOneIsEncodedAgain() throws IOException {
    messages.send(VrrpAdvertisement.v3(51, 100, 5, VIPS));
    messages.send(VrrpAdvertisement.v3(51, 100, 5, VIPS));
    assertThat(buffers.get(2)).isSameAs(buffers.get(0));
    assertThat(buffers.get(3)).isSameAs(buffers.get(1));

    VrrpAdvertisement resign = VrrpAdvertisement.v3(51, 0, 5, VIPS);
    messages.send(resign);
    assertThat(sent.subList(4, 6))
        .containsExactly(onTheWire(resign, PEER_1), onTheWire(resign, PEER_2));
  }
}
