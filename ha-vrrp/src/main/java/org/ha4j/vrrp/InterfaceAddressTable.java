package org.ha4j.vrrp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.net.VirtualAddressManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux instance's VIP table: the interface's addresses through netlink, with their configured
 * labels.
 */
final class InterfaceAddressTable implements VirtualAddressTable {

  private static final Logger log = LoggerFactory.getLogger(InterfaceAddressTable.class);

  private final String name;

  /** Replaced by a reconfigure, on the protocol thread (the only one that uses it). */
  private VirtualAddressManager manager;

  InterfaceAddressTable(String name, VirtualAddressManager manager) {
    this.name = name;
    this.manager = manager;
  }

  /** The configured VIPs (with their labels) are {@code next}'s from now on. */
  void use(VirtualAddressManager next) {
    this.manager = next;
  }

  @Override
  public void add(List<Ipv4Cidr> addresses) throws IOException {
    List<VirtualAddress> added = manager.add(configured(addresses));
    log.info("({}) added VIPs {}", name, added);
  }

  @Override
  public void remove(List<Ipv4Cidr> addresses) throws IOException {
    List<VirtualAddress> removed = manager.remove(configured(addresses));
    if (!removed.isEmpty()) {
      log.info("({}) removed VIPs {}", name, removed);
    }
  }

  /**
   * The configured entries (labels) of {@code vips}: a plain loop, as it runs on the takeover path.
   */
  private List<VirtualAddress> configured(List<Ipv4Cidr> vips) {
    List<VirtualAddress> entries = new ArrayList<>(vips.size());
    for (Ipv4Cidr vip : vips) {
      entries.add(manager.configured(vip));
    }
    return entries;
  }
}
