package org.ha4j.vrrp;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.TransportRejection;
import org.ha4j.vrrp.net.VrrpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adverts in, on Linux: a thread of its own waits on the transport, decodes and validates each
 * packet, and hands a valid advert to {@code accepted} and a rejected one to {@code dropped} (named
 * by its reason). Both are called on the receiver thread; they queue the work to the protocol
 * thread.
 */
final class AdvertReceiver {

  private static final Logger log = LoggerFactory.getLogger(AdvertReceiver.class);
  private static final int RECEIVE_POLL_MILLIS = 200;

  /** Where a valid advert goes. */
  interface Accepted {
    void advertisement(Ipv4Address source, VrrpAdvertisement advertisement);
  }

  /** Where a rejected packet goes; {@code source} is null when it could not be read. */
  interface Dropped {
    void packet(String reason, Ipv4Address source, String detail);
  }

  private final String name;
  private final VrrpTransport transport;
  private final TransportConfig transportConfig;
  private volatile ReceiveExpectations expectations;
  private final Accepted accepted;
  private final Dropped dropped;
  private final AtomicLong received = new AtomicLong();
  private final Thread thread;
  private volatile boolean receiving;

  AdvertReceiver(
      String name,
      VrrpTransport transport,
      TransportConfig transportConfig,
      ReceiveExpectations expectations,
      Accepted accepted,
      Dropped dropped) {
    this.name = name;
    this.transport = transport;
    this.transportConfig = transportConfig;
    this.expectations = expectations;
    this.accepted = accepted;
    this.dropped = dropped;
    this.thread = new Thread(this::receiveLoop, "ha4j-vrrp-rx-" + name);
    thread.setDaemon(true);
  }

  void start() {
    receiving = true;
    thread.start();
  }

  /** Stops receiving and waits (bounded) for the thread. */
  void close() {
    receiving = false;
    if (thread.isAlive()) {
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** From the next packet on, validates against {@code next} (a reconfigure's). */
  void expect(ReceiveExpectations next) {
    this.expectations = next;
  }

  /** Valid adverts received (not our own, from an allowed peer). */
  long received() {
    return received.get();
  }

  private void receiveLoop() {
    VrrpThreadPriority.raise(name, "receiver");
    VrrpThreadPriority.raisePauseThreadsIfAsked(name);
    while (receiving) {
      byte[] packet;
      try {
        packet = transport.receive(RECEIVE_POLL_MILLIS);
      } catch (IOException e) {
        if (receiving) {
          log.error("({}) receiving failed; no more advertisements will be heard", name, e);
        }
        return;
      }
      if (packet != null) {
        accept(packet);
      }
    }
  }

  private void accept(byte[] packet) {
    VrrpDecodeResult result = VrrpDecoder.decode(packet, expectations);
    if (result instanceof VrrpDecodeResult.Rejected rejected) {
      dropped.packet(rejected.reason().name(), sourceOf(packet), rejected.detail());
      return;
    }
    VrrpDecodeResult.Accepted valid = (VrrpDecodeResult.Accepted) result;
    TransportRejection bySource = VrrpTransport.checkSource(transportConfig, valid.source());
    if (bySource != null) {
      dropped.packet(bySource.name(), valid.source(), null);
      return;
    }
    if (valid.ownerAddressListMismatch()) {
      log.warn(
          "({}) the address owner {} advertises other addresses than ours: check the configuration",
          name,
          valid.source());
    }
    received.incrementAndGet();
    if (log.isDebugEnabled()) {
      log.debug(
          "({}) advert from {} priority {}",
          name,
          valid.source(),
          valid.advertisement().priority());
    }
    accepted.advertisement(valid.source(), valid.advertisement());
  }

  private static Ipv4Address sourceOf(byte[] packet) {
    return packet.length >= 20 ? Ipv4Address.ofBytes(packet, 12) : null;
  }
}
