package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A packet that repeats the previous advert is accepted without decoding it again; anything that
 * differs, even in a buffer the transport hands over again, gets every check and its named
 * rejection.
 */
class AdvertReceiverRepeatTest {

  static final Ipv4Address SELF = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER = Ipv4Address.parse("10.200.0.11");
  static final Ipv4Cidr VIP = Ipv4Cidr.parse("10.200.0.100/24");
  static final Duration WITHIN = Duration.ofSeconds(10);

  final BlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();
  final BlockingQueue<VrrpAdvertisement> accepted = new LinkedBlockingQueue<>();
  final BlockingQueue<String> dropped = new LinkedBlockingQueue<>();
  final AdvertReceiver receiver =
      new AdvertReceiver(
          "VI_1",
          this::take,
          new TransportConfig("eth0", 2, SELF, List.of()),
          AdvertReceiver.ipv4(
              ReceiveExpectations.builder()
                  .version(3)
                  .virtualRouterId(51)
                  .addresses(List.of(VIP.address()))
                  .requireTtl255(true)
                  .build()),
          (source, advert) -> accepted.add(advert),
          (reason, source, detail) -> dropped.add(reason));

  byte[] take(int timeoutMillis) throws java.io.IOException {
    try {
      return packets.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  @AfterEach
  void close() {
    receiver.close();
  }

  static byte[] packet(int priority, int identification) {
    return VrrpEncoder.encodePacket(
        VrrpAdvertisement.v3(51, priority, 100, List.of(VIP.address())),
        PEER,
        VrrpWireFormat.MULTICAST_GROUP,
        identification);
  }

  VrrpAdvertisement nextAccepted() throws InterruptedException {
    VrrpAdvertisement advert = accepted.poll(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(advert).as("an accepted advert").isNotNull();
    return advert;
  }

  String nextDropped() throws InterruptedException {
    String reason = dropped.poll(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(reason).as("a dropped packet").isNotNull();
    return reason;
  }

  @Test
  void aRepeatWithAnotherIdentificationIsTheSameAdvertAgain() throws Exception {
    receiver.start();
    packets.add(packet(200, 1));
    VrrpAdvertisement first = nextAccepted();
    packets.add(packet(200, 2));
    assertThat(nextAccepted()).isSameAs(first);
    packets.add(packet(150, 3));
    VrrpAdvertisement changed = nextAccepted();
    assertThat(changed.priority()).isEqualTo(150);
    assertThat(dropped).isEmpty();
    assertThat(receiver.received()).isEqualTo(3);
  }

  @Test
  void theSameBufferWithOtherBytesIsCheckedAgain() throws Exception {
    receiver.start();
    byte[] buffer = packet(200, 1);
    packets.add(buffer);
    nextAccepted();
    buffer[buffer.length - 1] ^= 0x01; // the last VIP byte: the VRRP checksum no longer verifies
    packets.add(buffer);
    assertThat(nextDropped()).isEqualTo("CHECKSUM_BAD");
    assertThat(receiver.received()).isEqualTo(1);
  }

  @Test
  void aRepeatWhoseHeaderChecksumIsWrongIsRejectedByName() throws Exception {
    receiver.start();
    packets.add(packet(200, 1));
    nextAccepted();
    byte[] badHeader = packet(200, 2);
    badHeader[10] ^= 0x01;
    packets.add(badHeader);
    assertThat(nextDropped()).isEqualTo("IP_HEADER_CHECKSUM_BAD");
    assertThat(receiver.received()).isEqualTo(1);
  }

  @Test
  void theHandOffDeliversEveryAdvertInOrderAndReusesTheInputOfARepeat() {
    List<VrrpInput> delivered = new ArrayList<>();
    AdvertHandOff handOff = new AdvertHandOff(Runnable::run, delivered::add);
    VrrpAdvertisement steady = VrrpAdvertisement.v3(51, 200, 100, List.of(VIP.address()));
    VrrpAdvertisement other = VrrpAdvertisement.v3(51, 150, 100, List.of(VIP.address()));
    handOff.advertisement(PEER, steady);
    handOff.advertisement(PEER, steady);
    handOff.advertisement(PEER, other);
    handOff.advertisement(PEER, steady);

    assertThat(delivered)
        .containsExactly(
            VrrpInput.advertisement(PEER, steady),
            VrrpInput.advertisement(PEER, steady),
            VrrpInput.advertisement(PEER, other),
            VrrpInput.advertisement(PEER, steady));
    assertThat(delivered.get(1)).isSameAs(delivered.get(0));
  }
}
