package org.ha4j.vrrp.simulation;

import java.util.List;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;

/**
 * VRRPv2 and VRRPv3 routers on one VRID: neither accepts the other's adverts, so both may become
 * master. What the simulation requires instead is that it never happens silently: every such advert
 * is dropped under the name the Linux receiver counts and logs ({@code VERSION_NOT_2} or {@code
 * VERSION_NOT_3}), found by running it through the codec as the receiver would.
 */
final class MixedVersions {

  private MixedVersions() {}

  /** The name of the drop when {@code to} receives {@code advertisement} from {@code from}. */
  static String dropReason(
      SimulatedRouter from, SimulatedRouter to, VrrpAdvertisement advertisement) {
    byte[] packet =
        VrrpEncoder.encodePacket(
            advertisement, from.config().primaryAddress(), VrrpWireFormat.MULTICAST_GROUP, 0);
    VrrpDecodeResult result =
        VrrpDecoder.decode(
            packet, ReceiveExpectations.builder().version(to.config().version()).build());
    if (!(result instanceof VrrpDecodeResult.Rejected rejected)) {
      throw new IllegalStateException(
          "a VRRPv"
              + advertisement.version()
              + " advert reached a VRRPv"
              + to.config().version()
              + " receiver and was accepted: "
              + result);
    }
    return rejected.reason().name();
  }

  /** How many adverts of the other version {@code router} dropped, by name. */
  static long dropped(SimulatedRouter router) {
    return router.dropsByReason.getOrDefault("VERSION_NOT_2", 0L)
        + router.dropsByReason.getOrDefault("VERSION_NOT_3", 0L);
  }

  /** Whether the routers of one VRID speak more than one version. */
  static boolean mixed(List<SimulatedRouter> group) {
    return group.stream().map(r -> r.config().version()).distinct().count() > 1;
  }
}
