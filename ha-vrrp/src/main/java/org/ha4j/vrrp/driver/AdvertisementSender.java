package org.ha4j.vrrp.driver;

import java.io.IOException;
import org.ha4j.vrrp.codec.VrrpAdvertisement;

/**
 * Port: adverts out. Puts one advertisement on the LAN (RFC 3768 §7.2): to the group, or to every
 * peer.
 */
@FunctionalInterface
public interface AdvertisementSender {

  /**
   * Called on the driver's thread, on the takeover path: must not block.
   *
   * @throws IOException when it could not be sent; the driver counts it and logs at a limited rate
   */
  void send(VrrpAdvertisement advertisement) throws IOException;
}
