package org.ha4j.vrrp.testing;

import java.util.List;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.driver.VirtualAddressTable;

/** A VIP table that does nothing, for driver tests about something else. */
public final class NoVirtualAddresses implements VirtualAddressTable {

  @Override
  public void add(List<Ipv4Cidr> addresses) {}

  @Override
  public void remove(List<Ipv4Cidr> addresses) {}
}
