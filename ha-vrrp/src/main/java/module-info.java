/**
 * VRRPv2: the instance an application runs ({@code org.ha4j.vrrp}), the codec, the pure state
 * machine, keepalived.conf loading and the virtual-LAN simulation. The raw-socket transport, VIP
 * and ARP code ({@code net}) and the driver's ports ({@code driver}) stay inside.
 */
module org.ha4j.vrrp {
  requires transitive org.ha4j.core;
  requires org.slf4j;

  exports org.ha4j.vrrp;
  exports org.ha4j.vrrp.codec;
  exports org.ha4j.vrrp.config;
  exports org.ha4j.vrrp.protocol;
  exports org.ha4j.vrrp.simulation;
}
