package org.ha4j.vrrp.driver;

import java.io.IOException;
import java.util.List;
import org.ha4j.core.net.Ipv4Cidr;

/** Port: the virtual addresses this host answers for (on Linux, the interface's address list). */
public interface VirtualAddressTable {

  /**
   * Starts answering for those of {@code addresses} not held yet; tries them all even if one fails.
   */
  void add(List<Ipv4Cidr> addresses) throws IOException;

  /**
   * Stops answering for those of {@code addresses} that are held; tries them all even if one fails.
   */
  void remove(List<Ipv4Cidr> addresses) throws IOException;
}
