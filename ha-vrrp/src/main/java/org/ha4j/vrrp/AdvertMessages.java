package org.ha4j.vrrp;

import java.io.IOException;
import java.util.List;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.AdvertQueue;
import org.ha4j.vrrp.driver.AdvertisementSender;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.VrrpTransport;

/**
 * Adverts out, on Linux: the VRRP message the kernel wraps in its IPv4 header, to the group or to
 * each unicast peer. A VRRPv3 checksum covers that header's addresses (RFC 9568 §5.2.8), so under
 * VRRPv3 every peer gets a message of its own, checked against it.
 *
 * <p>A master sends the same advert every interval: the messages are encoded when the advert
 * changes (state, priority) and sent as they are otherwise, so steady state allocates nothing here.
 * Driver thread only.
 */
final class AdvertMessages implements AdvertisementSender {

  private final VrrpTransport transport;
  private final TransportConfig config;

  /** The group, or the unicast peers in order; one message each under VRRPv3. */
  private final Ipv4Address[] destinations;

  private final byte[][] messages;
  private VrrpAdvertisement encoded;

  AdvertMessages(VrrpTransport transport, TransportConfig config) {
    this.transport = transport;
    this.config = config;
    this.destinations =
        (config.isUnicast() ? config.unicastPeers() : List.of(VrrpWireFormat.MULTICAST_GROUP))
            .toArray(Ipv4Address[]::new);
    this.messages = new byte[destinations.length][];
  }

  @Override
  public void send(VrrpAdvertisement advert) throws IOException {
    if (advert != encoded) {
      if (advert.equals(encoded)) {
        encoded = advert; // an equal copy: from now on the identity check answers alone
      } else {
        encode(advert);
      }
    }
    if (!advert.isV3()) {
      transport.send(messages[0]); // a VRRPv2 message is the same for every destination
      return;
    }
    IOException first = null;
    for (int i = 0; i < destinations.length; i++) {
      try {
        transport.sendTo(messages[i], destinations[i]);
      } catch (IOException e) {
        if (first == null) {
          first = e; // one unreachable peer must not keep the advert from the others
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The message for {@code destination} (the group or a peer), encoded as {@link #send} would. */
  byte[] messageTo(VrrpAdvertisement advert, Ipv4Address destination) {
    if (!advert.isV3()) {
      return VrrpEncoder.encodeMessage(advert);
    }
    byte[] message = new byte[VrrpEncoder.messageLength(advert)];
    VrrpEncoder.encodeMessage(advert, config.source(), destination, message, 0);
    return message;
  }

  /** One message per destination, in {@link #destinationAddresses()} order: a kernel queue's. */
  byte[][] messages(VrrpAdvertisement advert) {
    byte[][] all = new byte[destinations.length][];
    for (int i = 0; i < destinations.length; i++) {
      all[i] = messageTo(advert, destinations[i]);
    }
    return all;
  }

  /** The group, or the unicast peers in order. */
  IpAddress[] destinationAddresses() {
    IpAddress[] all = new IpAddress[destinations.length];
    for (int i = 0; i < destinations.length; i++) {
      all[i] = IpAddress.ofBytes(destinations[i].toBytes());
    }
    return all;
  }

  /** A kernel queue on this transport's advert socket, or none (see {@link KernelPacedAdverts}). */
  AdvertQueue kernelQueue(String name) {
    return KernelPacedAdverts.open(
        name, transport::openScheduledSender, this::messages, destinationAddresses());
  }

  private void encode(VrrpAdvertisement advert) {
    for (int i = 0; i < destinations.length; i++) {
      messages[i] = messageTo(advert, destinations[i]);
    }
    encoded = advert;
  }
}
