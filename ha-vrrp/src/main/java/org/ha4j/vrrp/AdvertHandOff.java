package org.ha4j.vrrp;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpInput;

/**
 * Hands each valid advert from the receiver thread to the protocol thread, in order. A steady
 * master's advert decodes to the very same objects each time ({@link AdvertReceiver} reuses the
 * result of a repeated packet), so its input and the task that delivers it are made once and handed
 * over again: nothing is allocated per advert. A different advert gets a task of its own; every
 * advert is delivered, none is merged with another.
 */
final class AdvertHandOff implements AdvertReceiver.Accepted {

  private final Executor protocolThread;
  private final Consumer<VrrpInput> handler;

  /** Written and read on the receiver thread only; the protocol thread reads only its finals. */
  private Delivery last;

  /**
   * @param protocolThread runs the deliveries, one at a time, in the order handed over
   * @param handler feeds one input to the driver, on the protocol thread
   */
  AdvertHandOff(Executor protocolThread, Consumer<VrrpInput> handler) {
    this.protocolThread = protocolThread;
    this.handler = handler;
  }

  @Override
  public void advertisement(Ipv4Address source, VrrpAdvertisement advertisement) {
    Delivery delivery = last;
    if (delivery == null || delivery.source != source || delivery.advertisement != advertisement) {
      delivery = new Delivery(source, advertisement);
      last = delivery;
    }
    protocolThread.execute(delivery);
  }

  /** One advert's input, delivered as often as the same packet arrives. */
  private final class Delivery implements Runnable {
    final Ipv4Address source;
    final VrrpAdvertisement advertisement;
    final VrrpInput input;

    Delivery(Ipv4Address source, VrrpAdvertisement advertisement) {
      this.source = source;
      this.advertisement = advertisement;
      this.input = VrrpInput.advertisement(source, advertisement);
    }

    @Override
    public void run() {
      handler.accept(input);
    }
  }
}
