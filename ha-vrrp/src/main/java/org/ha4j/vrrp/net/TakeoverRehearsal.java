package org.ha4j.vrrp.net;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.TrackedInput;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.protocol.VrrpTiming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the takeover's code once, at start-up, before it is needed: encode and decode, the advert
 * send (with {@code MSG_PROBE}: nothing on the wire), a {@link VrrpDriver} over ports that do
 * nothing taking over in virtual time, the netlink add and the GARP send (both refused by the
 * kernel for interface index 0: nothing changes). A backup's JVM has run none of it; cold, its
 * first takeover paid 10 to 30 ms of class loading and call-site linking (failover-bench.sh,
 * instrumented), about 1 ms warm.
 *
 * <p>The warm-up lives here, not on the ports: the driver's ports only do what the protocol asks.
 */
public final class TakeoverRehearsal {

  private static final Logger log = LoggerFactory.getLogger(TakeoverRehearsal.class);
  private static final VirtualAddressTable NO_ADDRESSES =
      new VirtualAddressTable() {
        @Override
        public void add(List<Ipv4Cidr> addresses) {}

        @Override
        public void remove(List<Ipv4Cidr> addresses) {}
      };

  private final String name;
  private final VrrpRouterConfig config;
  private final ReceiveExpectations expectations;

  /**
   * For the instance {@code name} running {@code config}, whose adverts are checked by {@code
   * expectations}.
   */
  public TakeoverRehearsal(String name, VrrpRouterConfig config, ReceiveExpectations expectations) {
    this.name = name;
    this.config = config;
    this.expectations = expectations;
  }

  /**
   * Rehearses with the Linux adapters the instance will take over with; every failure is harmless
   * and only logged at debug.
   *
   * @param mac the interface's hardware address, for the GARP frames
   */
  public void run(
      VrrpTransport transport,
      VirtualAddressManager addresses,
      GratuitousArp gratuitousArp,
      byte[] mac) {
    VrrpAdvertisement advert = config.advertisement(config.priority() == 255 ? 255 : 1);
    byte[] packet =
        VrrpEncoder.encodePacket(advert, config.primaryAddress(), VrrpTransport.VRRP_GROUP, 0);
    VrrpDecoder.decode(packet, expectations);
    if (transport instanceof RawSocketVrrpTransport raw) {
      try {
        byte[] message = new byte[VrrpEncoder.messageLength(advert)];
        VrrpEncoder.encodeMessage(
            advert, config.primaryAddress(), VrrpTransport.VRRP_GROUP, message, 0);
        raw.probe(message); // a probe never reaches the wire: any destination's checksum will do
      } catch (IOException e) {
        log.debug("({}) the send rehearsal failed (harmless): {}", name, e.getMessage());
      }
    }
    if (mac.length == 6) {
      for (Ipv4Cidr vip : config.heldAddresses()) {
        GratuitousArp.frame(mac, vip.address());
      }
    }
    driveThroughTakeover(config);
    if (!addresses.rehearseAdd()) {
      log.debug("({}) the netlink rehearsal got an unexpected answer (harmless)", name);
    }
    String.valueOf(
        addresses
            .addresses()); // the "added VIPs" line formats these: a record's toString links once
    if (!config.heldAddresses().isEmpty()
        && !gratuitousArp.rehearse(config.heldAddresses().get(0).address())) {
      log.debug("({}) the gratuitous ARP rehearsal got an unexpected answer (harmless)", name);
    }
  }

  /**
   * A throw-away driver and state machine, over ports that do nothing and a virtual clock, through
   * a takeover and two adverts, a priority-0 advert, a fault and a shutdown: pure code, no I/O, so
   * the real transitions later run warm.
   */
  static void driveThroughTakeover(VrrpRouterConfig config) {
    VirtualScheduler clock = new VirtualScheduler();
    VrrpDriver driver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(clock)
            .adverts(advert -> {})
            .addresses(NO_ADDRESSES)
            .announcer((addresses, repeat) -> {})
            .build();
    driver.handle(VrrpInput.start());
    Duration interval = config.advertInterval();
    Duration masterDown =
        config.version() == VrrpWireFormat.VERSION_3
            ? VrrpTiming.v3MasterDownInterval(interval, config.priority())
            : VrrpTiming.masterDownInterval(config.advertIntervalSeconds(), config.priority());
    clock.advanceBy(masterDown.plus(interval.multipliedBy(2)));
    Ipv4Address peer = Ipv4Address.ofBits(config.primaryAddress().bits() ^ 1);
    driver.handle(VrrpInput.advertisement(peer, config.advertisement(0)));
    for (TrackedInput input : config.trackedInputs()) {
      driver.handle(VrrpInput.health(input.name(), HealthStatus.DOWN));
      driver.handle(VrrpInput.health(input.name(), HealthStatus.UP));
    }
    driver.handle(VrrpInput.interfaceUp(false));
    driver.handle(VrrpInput.interfaceUp(true));
    driver.stop();
  }
}
