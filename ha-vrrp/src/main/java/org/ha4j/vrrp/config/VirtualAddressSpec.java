package org.ha4j.vrrp.config;

import java.util.Objects;
import java.util.Optional;
import org.ha4j.core.net.IpCidr;

/**
 * One line of {@code virtual_ipaddress}: {@code 192.168.122.100}, {@code 10.0.0.5/24 dev eth1 label
 * eth1:vip}, {@code fd00:200::100/64}. A bare address is a /32 (IPv4) or /128 (IPv6), as keepalived
 * adds it.
 *
 * @param address the address and prefix length
 * @param device the interface to put it on, when not the instance's interface
 * @param label an ifconfig-style alias label
 */
public record VirtualAddressSpec(IpCidr address, Optional<String> device, Optional<String> label) {

  public VirtualAddressSpec {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(label, "label");
  }
}
